package dev.switchboard.signaling.socketio;

import dev.switchboard.config.SignalingConfig;
import dev.switchboard.signaling.engineio.EngineListener;
import dev.switchboard.signaling.engineio.EngineSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Socket.IO server (protocol v5, and v4 for Engine.IO v3 sessions) on top of Engine.IO: one
 * {@link SioClient} per Engine.IO session, sockets per namespace. Namespaces must be registered before
 * clients connect to them.
 */
public final class SioServer implements EngineListener {
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final SignalingConfig config;
    private final RecoveryStore store;
    private final Emitter emitter;

    /** With connection state recovery in this process's memory when the config turns it on. */
    public SioServer(SignalingConfig config) {
        this(config, config.recoveryEnabled() ? new LocalRecoveryStore(config.recoveryWindow(), System::nanoTime) : null);
    }

    /** {@code store} null: no connection state recovery. */
    public SioServer(SignalingConfig config, RecoveryStore store) {
        this.config = config;
        this.store = store;
        this.emitter = new Emitter(store != null);
    }

    /** Encodes events for this server's sockets (with offsets when recovery is on). */
    public Emitter emitter() {
        return emitter;
    }

    /** Parked sessions; null when recovery is off. */
    public RecoveryStore store() {
        return store;
    }

    /** The namespace of that name, created on first use ("/" is the main namespace). */
    public Namespace namespace(String name) {
        return namespaces.computeIfAbsent(name, Namespace::new);
    }

    Namespace find(String name) {
        return namespaces.get(name);
    }

    SignalingConfig config() {
        return config;
    }

    @Override
    public void onOpen(EngineSocket socket) {
        SioClient client = new SioClient(this, socket);
        socket.attach(client);
        client.start();
    }
}
