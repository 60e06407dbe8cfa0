package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    /**
     * Rebuilds, for a socket taken over from a node that died, what the application held for it (its
     * rooms); completes with the events the session was sent in order (its box), or with null when it
     * cannot be taken over. Runs after {@link ConnectHandler} accepted the socket.
     */
    @FunctionalInterface
    public interface TakeoverHandler {
        CompletableFuture<List<List<EnginePacket>>> takeOver(SioSocket socket, RecoveryStore.Elsewhere from);
    }

    private final String name;
    private volatile TakeoverHandler takeover;
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

    public Namespace onTakeover(TakeoverHandler handler) {
        this.takeover = handler;
        return this;
    }

    /** Null when the namespace cannot take over sessions of other nodes. */
    TakeoverHandler takeoverHandler() {
        return takeover;
    }

    ConnectHandler connectHandler() {
        return connect;
    }

    ConnectedHandler connectedHandler() {
        return connected;
    }
}
