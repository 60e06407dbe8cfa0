package dev.switchboard.stun;

/** A string that the OpaqueString profile refuses (RFC 8265 section 4.2): empty, or holding a disallowed code point. */
public final class StringPrepException extends Exception {
    private static final long serialVersionUID = 1L;

    public StringPrepException(String message) {
        super(message, null, false, false);
    }
}
