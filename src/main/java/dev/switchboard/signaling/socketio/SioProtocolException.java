package dev.switchboard.signaling.socketio;

/** Input that is not a valid Socket.IO v5 packet; the connection that sent it is closed. */
public final class SioProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public SioProtocolException(String message) {
        super(message, null, false, false);
    }
}
