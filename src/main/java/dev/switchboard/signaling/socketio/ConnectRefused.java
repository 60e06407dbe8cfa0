package dev.switchboard.signaling.socketio;

/** Thrown by a {@link Namespace.ConnectHandler} to refuse a connection: the client gets CONNECT_ERROR. */
public final class ConnectRefused extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Object data;

    public ConnectRefused(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    public ConnectRefused(String message) {
        this(message, null);
    }

    /** Extra detail sent to the client as {@code data}, or null. */
    public Object data() {
        return data;
    }
}
