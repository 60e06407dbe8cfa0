package dev.switchboard.auth;

/** A room token was not accepted; {@link #reason()} is a stable code for clients and metrics. */
public final class TokenRefused extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        MISSING("a room token is required"),
        MALFORMED("the room token is malformed"),
        BAD_SIGNATURE("the room token's signature does not match"),
        EXPIRED("the room token has expired"),
        WRONG_ROOM("the room token is for another room"),
        FORBIDDEN("the room token's role does not allow this");

        final String message;

        Reason(String message) {
            this.message = message;
        }

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public TokenRefused(Reason reason) {
        super(reason.message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
