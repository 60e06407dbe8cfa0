package dev.switchboard.signaling;

import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.RoomCluster;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.socketio.SioServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room service on the main namespace: the codelab protocol ({@link CodelabProtocol}) and the mesh
 * protocol ({@link MeshProtocol}) side by side, sharing per-connection limits. Rooms live in a
 * {@link RoomCluster}: this process's memory, or Redis shared by several nodes. See docs/signaling.md.
 */
public final class Signaling {
    private static final Logger log = LoggerFactory.getLogger(Signaling.class);

    static final Map<String, Object> OK = Map.of("ok", true);

    final SignalingConfig config;
    final RoomCluster cluster;
    private final CodelabProtocol codelab;
    private final MeshProtocol mesh;
    private final java.util.concurrent.atomic.LongAdder relayed = new java.util.concurrent.atomic.LongAdder();
    private volatile dev.switchboard.auth.Access access = dev.switchboard.auth.Access.open();

    public Signaling(SignalingConfig config, RoomCluster cluster) {
        this.config = config;
        this.cluster = cluster;
        this.codelab = new CodelabProtocol(this);
        this.mesh = new MeshProtocol(this);
    }

    /** Serves the room protocols on the main namespace of {@code sio}. */
    public void install(SioServer sio) {
        sio.namespace("/").onConnect((socket, auth) -> {
            dev.switchboard.auth.RoomToken token = null;
            if (access.enabled()) {
                try {
                    token = access.verify(auth.path("token").asText(null));
                } catch (dev.switchboard.auth.TokenRefused e) {
                    throw new dev.switchboard.signaling.socketio.ConnectRefused(e.getMessage(),
                            Map.of("code", e.reason().code()));
                }
            }
            Peer peer = new Peer(socket, new TokenBucket(config.messagesPerSecond(), config.messageBurst(), System.nanoTime()));
            peer.token = token;
            socket.attach(peer);
            codelab.install(peer);
            mesh.install(peer);
            socket.onDisconnect(reason -> leaveAll(peer, reason));
            log.debug("peer {} connected", peer.id());
        });
    }

    /**
     * Sends a server event to every peer of the mesh room {@code room} (for example {@code media-added}
     * after an upload). A room with nobody in it is a no-op. Callable from any thread.
     */
    public void publish(String room, String event, Object payload) {
        cluster.publish(new RoomKey(RoomKind.MESH, room),
                dev.switchboard.signaling.socketio.SioSocket.encodeEvent("/", event, payload))
                .exceptionally(e -> {
                    log.warn("could not tell room {} on other nodes about {}: {}", room, event, e.getMessage());
                    return null;
                });
    }

    /** Client messages relayed to peers ({@code message} and {@code signal}), for metrics. */
    public long relayedCount() {
        return relayed.sum();
    }

    void relayed() {
        relayed.increment();
    }

    private volatile java.util.function.Function<String, Object> iceServers = host -> null;

    /** The ICE servers (RTCConfiguration shape) sent in the join answer, for the client's Host header. */
    public void iceServers(java.util.function.Function<String, Object> forHost) {
        this.iceServers = forHost;
    }

    Object iceServersFor(Peer peer) {
        return iceServers.apply(peer.socket.handshake().host());
    }

    /** Room tokens: when enabled, the handshake must carry {@code auth.token} and joins must match it. */
    public void access(dev.switchboard.auth.Access access) {
        this.access = access;
    }

    dev.switchboard.auth.Access access() {
        return access;
    }

    /** Rooms with members on this node. */
    public int roomCount() {
        return cluster.localRoomCount();
    }

    private void leaveAll(Peer peer, String reason) {
        for (ClusterRoom r : new ArrayList<>(peer.rooms)) {
            if (r.key().kind() == RoomKind.CODELAB) {
                codelab.leave(peer, r, true);
            } else {
                mesh.leave(peer, r, "disconnected");
            }
        }
    }

    /** Checks the rate limit; refuses (and returns false) when the peer is over it. */
    boolean admit(Peer peer, String event, Ack ack) {
        if (peer.bucket.tryTake(System.nanoTime())) {
            return true;
        }
        refuse(peer, event, SignalingError.RATE_LIMITED, ack);
        return false;
    }

    /** True when a relay of this encoded size may be sent; otherwise refuses. */
    boolean sizeOk(Peer peer, String event, List<EnginePacket> encoded, Ack ack) {
        long size = 0;
        for (EnginePacket p : encoded) {
            size += p.length();
        }
        if (size <= config.maxMessageBytes()) {
            return true;
        }
        refuse(peer, event, SignalingError.PAYLOAD_TOO_LARGE, ack);
        return false;
    }

    /**
     * With room tokens enabled, the peer's token must allow {@code room}; otherwise refuses (and returns
     * false) with {@code wrong-room}.
     */
    boolean tokenAllows(Peer peer, String room, String event, Ack ack) {
        if (peer.token == null || peer.token.allowsRoom(room)) {
            return true;
        }
        access.count(new dev.switchboard.auth.TokenRefused(dev.switchboard.auth.TokenRefused.Reason.WRONG_ROOM));
        refuse(peer, event, SignalingError.WRONG_ROOM, ack);
        return false;
    }

    /** Emits {@code error} with the refusal and, when the request asked for one, acks it with {ok:false}. */
    static void refuse(Peer peer, String event, SignalingError error, Ack ack) {
        Map<String, Object> body = error.body(event);
        peer.socket.emit("error", body);
        if (ack != null) {
            ack.send(Map.of("ok", false, "error", body));
        }
    }

    /**
     * Runs {@code then} with the outcome on the peer's event loop: at once when the future is already
     * complete (the in-process rooms), else when it completes (Redis). Errors arrive unwrapped.
     */
    static <T> void onLoop(Peer peer, CompletableFuture<T> f, BiConsumer<T, Throwable> then) {
        if (f.isDone()) {
            T value = null;
            Throwable error = null;
            try {
                value = f.join();
            } catch (CompletionException e) {
                error = e.getCause();
            } catch (java.util.concurrent.CancellationException e) {
                error = e;
            }
            then.accept(value, error);
            return;
        }
        f.whenComplete((v, e) -> peer.socket.loop().execute(() ->
                then.accept(v, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e)));
    }

    /**
     * A relay handed to the rooms: counted and acked when every node took it, refused with
     * {@code cluster-unavailable} when the shared rooms could not take it.
     */
    void afterRelay(Peer peer, String event, CompletableFuture<?> sent, Ack ack) {
        if (sent.isDone() && !sent.isCompletedExceptionally()) {
            relayed();
            if (ack != null) {
                ack.send(OK);
            }
            return;
        }
        sent.whenComplete((v, e) -> {
            if (e == null) {
                relayed();
                if (ack != null) {
                    ack.send(OK);
                }
            } else {
                refuse(peer, event, SignalingError.CLUSTER_UNAVAILABLE, ack);
            }
        });
    }

    /** Both sends, for a relay to several rooms; no allocation when either is already done. */
    static CompletableFuture<Void> both(CompletableFuture<Void> a, CompletableFuture<Void> b) {
        if (a == null || (a.isDone() && !a.isCompletedExceptionally())) {
            return b;
        }
        if (b.isDone() && !b.isCompletedExceptionally()) {
            return a;
        }
        return CompletableFuture.allOf(a, b);
    }
}
