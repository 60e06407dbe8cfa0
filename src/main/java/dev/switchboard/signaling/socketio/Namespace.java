package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Socket.IO namespace: decides who may connect (the handshake's auth payload is given) and sets up
 * each socket that does. A socket its client resumes after a dropped connection (connection state
 * recovery, {@link SioSocket#recovered}) keeps its handlers and state: neither handler runs again.
 */
public final class Namespace {
    /** Accepts (returns) or refuses (throws) a connection, and registers the socket's handlers. */
    @FunctionalInterface
    public interface ConnectHandler {
        void onConnect(SioSocket socket, JsonNode auth) throws ConnectRefused;
    }

    /** Runs after the client has been told it is connected; emits from here reach it. */
    @FunctionalInterface
    public interface ConnectedHandler {
        void onConnected(SioSocket socket);
    }

    private final String name;
    private volatile ConnectHandler connect = (s, a) -> { };
    private volatile ConnectedHandler connected = s -> { };

    Namespace(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Namespace onConnect(ConnectHandler handler) {
        this.connect = handler;
        return this;
    }

    public Namespace onConnected(ConnectedHandler handler) {
        this.connected = handler;
        return this;
    }

    ConnectHandler connectHandler() {
        return connect;
    }

    ConnectedHandler connectedHandler() {
        return connected;
    }
}
