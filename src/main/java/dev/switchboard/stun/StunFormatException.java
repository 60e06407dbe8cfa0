package dev.switchboard.stun;

/** Bytes that are not a well-formed STUN message (RFC 8489 section 5 and 14); the only error the decoder raises. */
public final class StunFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunFormatException(String message) {
        super(message, null, false, false);
    }
}
