package dev.switchboard.signaling.engineio;

/** Input that is not valid Engine.IO v4; the session that sent it is closed. */
public final class EngineProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public EngineProtocolException(String message) {
        super(message, null, false, false);
    }
}
