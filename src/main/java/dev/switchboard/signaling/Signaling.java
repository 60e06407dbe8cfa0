package dev.switchboard.signaling;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.RoomCluster;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.ConnectRefused;
import dev.switchboard.signaling.socketio.Emitter;
import dev.switchboard.signaling.socketio.RecoveryStore;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room service on the main namespace: the codelab protocol ({@link CodelabProtocol}) and the mesh
 * protocol ({@link MeshProtocol}) side by side, sharing per-connection limits ({@link RoomPolicy}) and one
 * join ({@link #join}). Rooms live in a {@link RoomCluster}: this process's memory, or Redis shared by
 * several nodes. See docs/signaling.md.
 */
public final class Signaling {
    private static final Logger log = LoggerFactory.getLogger(Signaling.class);

    static final Map<String, Object> OK = Map.of("ok", true);
    /** Whether a joiner moves to its room's loop ({@link #shareLoop}); off only to measure what it saves. */
    private static final boolean ROOM_LOOPS = !"false".equals(System.getProperty("switchboard.signaling.room-loops"));

    private final RoomCluster cluster;
    private final RoomPolicy policy;
    private final Function<String, Object> iceServers;
    private final CodelabProtocol codelab;
    private final MeshProtocol mesh;
    private final LongAdder relayed = new LongAdder();
    /** The server's event encoder (offsets when connection state recovery is on), set by {@link #install}. */
    private volatile Emitter emitter = Emitter.plain();

    /**
     * @param access     room tokens: when enabled, the handshake must carry {@code auth.token} and joins
     *                   must match it
     * @param iceServers the ICE servers (RTCConfiguration shape) sent in the mesh join answer, for the
     *                   client's Host header; null for none
     */
    public Signaling(SignalingConfig config, RoomCluster cluster, Access access, Function<String, Object> iceServers) {
        this.cluster = cluster;
        this.policy = new RoomPolicy(config, access);
        this.iceServers = iceServers;
        this.codelab = new CodelabProtocol(this, policy);
        this.mesh = new MeshProtocol(this, policy);
    }

    /** Open rooms (no tokens) and no ICE servers in the join answer. */
    public Signaling(SignalingConfig config, RoomCluster cluster) {
        this(config, cluster, Access.open(), host -> null);
    }

    /** Serves the room protocols on the main namespace of {@code sio}. */
    public void install(SioServer sio) {
        emitter = sio.emitter();
        Access access = policy.access();
        sio.namespace("/").onConnect((socket, auth) -> {
            RoomToken token = null;
            if (access.enabled()) {
                try {
                    token = access.verify(auth.path("token").asText(null));
                } catch (TokenRefused e) {
                    throw new ConnectRefused(e.getMessage(), Map.of("code", e.reason().code()));
                }
            }
            Peer peer = new Peer(socket, new TokenBucket(policy.messagesPerSecond(), policy.messageBurst(), System.nanoTime()),
                    token);
            socket.data(peer);
            codelab.install(peer);
            mesh.install(peer);
            socket.onDisconnect(reason -> leaveAll(peer, reason));
            log.debug("peer {} connected", peer.id());
        });
        sio.namespace("/").onTakeover(this::takeOver);
    }

    /**
     * A session of a node that died, taken over here for its client: the peer the connect handler made is
     * put back in the session's rooms under its name; completes on the peer's loop with the session's box.
     */
    private CompletableFuture<List<List<EnginePacket>>> takeOver(SioSocket socket, RecoveryStore.Elsewhere from) {
        Peer peer = (Peer) socket.data();
        return cluster.takeOver(peer, from).thenApplyAsync(t -> {
            if (t == null) {
                return null;
            }
            if (t.name() != null) {
                peer.name(t.name());
            }
            for (ClusterRoom r : t.rooms()) {
                peer.entered(r);
            }
            return t.history();
        }, socket.loop());
    }

    /**
     * Sends a server event to every peer of the mesh room {@code room} (for example {@code media-added}
     * after an upload). A room with nobody in it is a no-op. Callable from any thread.
     */
    public void publish(String room, String event, Object payload) {
        cluster.publish(new RoomKey(RoomKind.MESH, room), event(event, payload))
                .exceptionally(e -> {
                    log.warn("could not tell room {} on other nodes about {}: {}", room, event, e.getMessage());
                    return null;
                });
    }

    /** A server event of the main namespace, encoded once (with an offset when recovery is on). */
    List<EnginePacket> event(String event, Object... args) {
        return emitter.event("/", event, args);
    }

    Emitter emitter() {
        return emitter;
    }

    /** Client messages relayed to peers ({@code message} and {@code signal}), for metrics. */
    public long relayedCount() {
        return relayed.sum();
    }

    void relayed() {
        relayed.increment();
    }

    Object iceServersFor(Peer peer) {
        return iceServers == null ? null : iceServers.apply(peer.socket().handshake().host());
    }

    /** Rooms with members on this node. */
    public int roomCount() {
        return cluster.localRoomCount();
    }

    private void leaveAll(Peer peer, String reason) {
        for (ClusterRoom r : peer.rooms()) {
            if (r.key().kind() == RoomKind.CODELAB) {
                codelab.leave(peer, r, true);
            } else {
                mesh.leave(peer, r, "disconnected");
            }
        }
    }

    /**
     * The join both protocols share: the rate limit and {@link RoomPolicy#mayJoin} checks, then the rooms
     * decide (at once in this process, later with Redis); a cluster failure refuses with
     * {@code cluster_unavailable}, a peer that left meanwhile leaves again, and the protocol's
     * {@code steps} say the rest.
     */
    void join(Peer peer, String event, RoomKey key, JoinSteps steps, Ack ack) {
        if (!policy.admit(peer, event, ack) || !policy.mayJoin(peer, key, event, ack)) {
            return;
        }
        steps.admitted(peer);
        peer.joinStarted(key);
        onLoop(peer, cluster.join(key, policy.capacity(key.kind()), peer), (joined, error) -> {
            peer.joinDecided(key);
            if (error != null) {
                peer.refuse(event, SignalingError.CLUSTER_UNAVAILABLE, ack);
            } else if (!joined.ok()) {
                steps.full(peer, key.name(), ack);
            } else if (!peer.socket().connected()) {
                joined.room().leave(peer, null); // gone while Redis decided
            } else {
                peer.entered(joined.room());
                steps.entered(peer, joined.room(), joined, ack);
                shareLoop(peer, joined.room());
            }
        });
    }

    /**
     * A peer that joined its only room moves to the event loop of a member already there on this node,
     * so that the room's messages go from one to the other without a hand-over between threads (rooms
     * are spread over the loops as their first members are). {@code -Dswitchboard.signaling.room-loops=false}
     * turns this off, for benchmarks.
     */
    private static void shareLoop(Peer peer, ClusterRoom room) {
        if (!ROOM_LOOPS || peer.roomsHeld() != 1) {
            return; // a peer in several rooms stays where it is
        }
        if (room.neighbour(peer) instanceof Peer other) {
            peer.socket().moveTo(other.socket().loop().current());
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
            } catch (CancellationException e) {
                error = e;
            }
            then.accept(value, error);
            return;
        }
        f.whenComplete((v, e) -> peer.socket().loop().execute(() ->
                then.accept(v, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e)));
    }

    /**
     * A relay handed to the rooms: counted and acked when every node took it, refused with
     * {@code cluster_unavailable} when the shared rooms could not take it.
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
                peer.refuse(event, SignalingError.CLUSTER_UNAVAILABLE, ack);
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
