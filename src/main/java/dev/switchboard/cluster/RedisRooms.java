package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.channel.EventLoopGroup;
import dev.switchboard.signaling.socketio.RecoveryStore;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms shared by every node that points at one Redis. Membership is a hash per room changed by an
 * atomic script (capacity holds across nodes); fan-out is sharded pub/sub, one channel per room, to
 * which a node subscribes while it has members in the room; members on this node are delivered to
 * directly, without a hop. All publishes leave on one connection, so each sender's order is kept.
 * A publish that reaches fewer nodes than hold members of the room fails (the sender is told), so
 * nothing is lost silently while Redis restarts. Node liveness and recovery: {@link NodeLiveness}.
 *
 * <p>With connection state recovery across nodes ({@link RedisRecovery}), every send also goes into
 * each recipient's box ({@link SendScript}) and reaches even this node's members through the
 * subscription, so that a box and its socket see the same order; a socket's own events go the same way
 * over its node's channel.
 */
public final class RedisRooms implements RoomCluster {
    private static final Logger log = LoggerFactory.getLogger(RedisRooms.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    final String node;
    final RedisKeys keys;
    final Farewells farewells;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    final StatefulRedisPubSubConnection<String, byte[]> pubsub;
    final RedisAsyncCommands<String, byte[]> redis;
    private final JoinScript joinScript;
    final LeaveScript leaveScript;
    /** With recovery across nodes: sends go through boxes; else null. */
    final SendScript sendScript;
    final RedisRecovery recovery;
    final String nodeChannel;
    /** {@link #nodeChannel} encoded once, for the script that sends a socket its own events. */
    final byte[] nodeChannelBytes;
    final ConcurrentHashMap<String, RedisRoom> rooms = new ConcurrentHashMap<>();
    private final NodeLiveness liveness;
    private volatile boolean halted;

    private RedisRooms(String url, String prefix, Duration heartbeat, Duration ttl, Farewells farewells, Duration recoveryWindow,
            int recoveryMaxPackets, EventLoopGroup loops) throws IOException {
        this.node = newNodeId();
        this.keys = new RedisKeys(prefix);
        this.nodeChannel = keys.nodeChannel(node);
        this.nodeChannelBytes = RedisKeys.utf8(nodeChannel);
        this.farewells = farewells;
        RedisURI uri = RedisURI.create(url);
        String where = uri.getHost() + ":" + uri.getPort();
        var builder = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .nettyCustomizer(new ConsolidatedFlushes());
        if (loops != null) {
            builder.eventLoopGroupProvider(new SharedLoops(loops));
        }
        resources = builder.build();
        client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While disconnected a command fails at once: the sender hears cluster_unavailable
                // instead of a publish waiting in a queue that may be replayed out of order.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            connection = client.connect(CODEC);
            pubsub = client.connectPubSub(CODEC);
        } catch (RuntimeException e) {
            shutdownClient();
            throw new IOException("cluster.redis-url: cannot connect to Redis at " + where + ": " + e.getMessage(), e);
        }
        redis = connection.async();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String channel, byte[] message) {
                receive(channel, message);
            }
        });
        try {
            var sync = connection.sync();
            joinScript = new JoinScript(sync.scriptLoad(JoinScript.SOURCE));
            boolean boxes = !recoveryWindow.isZero();
            leaveScript = new LeaveScript(sync.scriptLoad(LeaveScript.SOURCE), keys, boxes ? recoveryWindow.toMillis() : 0,
                    recoveryMaxPackets);
            sendScript = boxes ? new SendScript(sync.scriptLoad(SendScript.SOURCE), keys, recoveryWindow.toMillis(),
                    recoveryMaxPackets) : null;
            recovery = boxes ? new RedisRecovery(this, recoveryWindow, sync.scriptLoad(TakeoverScript.SOURCE),
                    sync.scriptLoad(RedisRecovery.END_SOURCE)) : null;
            // This node's own channel: events for one of its sockets, and its subscriber count tells the
            // other nodes whether this node is connected.
            pubsub.sync().ssubscribe(nodeChannel);
        } catch (RuntimeException e) {
            shutdownClient();
            throw new IOException("cluster.redis-url: Redis at " + where + " refused the room script: " + e.getMessage(), e);
        }
        liveness = new NodeLiveness(this, heartbeat, ttl);
        client.addListener(liveness.subscriptionWatch(pubsub));
        liveness.start();
        log.info("cluster: node {} sharing rooms through Redis at {} (key prefix \"{}\", {})", node, where, prefix,
                loops != null ? "on the server's event loops" : "on threads of its own");
    }

    /**
     * Connects, registers this node and starts its heartbeat; fails when Redis cannot be reached. A
     * non-zero {@code recoveryWindow} turns on connection state recovery across nodes ({@link #recovery()}).
     * With {@code loops}, Redis's connections run on those event loops (the server's), which must then
     * outlive this object: {@link #close()} it first.
     */
    public static RedisRooms connect(String url, String prefix, Duration heartbeat, Duration ttl, Farewells farewells,
            Duration recoveryWindow, int recoveryMaxPackets, EventLoopGroup loops) throws IOException {
        return new RedisRooms(url, prefix, heartbeat, ttl, farewells, recoveryWindow, recoveryMaxPackets, loops);
    }

    @Override
    public RecoveryStore recovery() {
        return recovery;
    }

    private static String newNodeId() {
        byte[] b = new byte[9];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** This node's id in Redis. */
    public String nodeId() {
        return node;
    }

    @Override
    public CompletableFuture<Joined> join(RoomKey key, int capacity, Member member) {
        if (halted) {
            return Delivery.unavailable("halted", null);
        }
        String channel = keys.channel(key);
        RedisRoom room = rooms.compute(channel, (c, r) -> {
            if (r == null) {
                r = new RedisRoom(key, this, c, keys.members(key));
                r.subscribed = pubsub.async().ssubscribe(c).toCompletableFuture();
            }
            r.pending++;
            return r;
        });
        return room.subscribed
                .thenCompose(v -> joinScript.run(redis, keys, node, key, member.id(),
                        new RedisKeys.MemberValue(node, member.name()).bytes(), capacity))
                .handle((all, error) -> {
                    boolean ok = error == null && all != null && all.size() >= 2 && all.get(0) != null;
                    rooms.compute(channel, (c, r) -> {
                        r.pending--;
                        if (ok) {
                            r.addLocal(member);
                        }
                        return dropIfIdle(r);
                    });
                    if (error != null) {
                        liveness.dirty();
                        throw new ClusterUnavailableException("join " + key.name() + ": " + error.getMessage(), error);
                    }
                    if (!ok) {
                        return Joined.full();
                    }
                    room.mergeSnapshot(all, node);
                    publish(room, Envelope.Kind.JOINED, member.id(), member.name(), List.of());
                    return new Joined(room, room.members());
                });
    }

    /** Under the map's lock: a room without local members or pending joins is dropped and unsubscribed. */
    RedisRoom dropIfIdle(RedisRoom r) {
        if (r.pending == 0 && r.local().length == 0) {
            if (!halted) {
                pubsub.async().sunsubscribe(r.channel);
            }
            return null;
        }
        return r;
    }

    @Override
    public CompletableFuture<Takeover> takeOver(Member member, RecoveryStore.Elsewhere from) {
        if (recovery == null || halted || !(from instanceof RedisRecovery.Moving moving)) {
            return CompletableFuture.completedFuture(null);
        }
        return recovery.takeOver(member, moving);
    }

    void leave(RedisRoom room, Member member, List<EnginePacket> farewell) {
        boolean[] removed = new boolean[1];
        rooms.computeIfPresent(room.channel, (c, r) -> {
            if (r == room) {
                removed[0] = r.removeLocal(member);
                return dropIfIdle(r);
            }
            return r;
        });
        if (!removed[0]) {
            return;
        }
        if (farewell != null && sendScript == null) {
            room.deliverLocal(member.id(), farewell);
        }
        forget(node, room.key(), member.id(), farewell);
    }

    /**
     * Removes a member of {@code holder} (this node, or a dead one being swept) from the room's hash and
     * that node's set, then tells the room with the farewell packets (boxed with recovery across nodes,
     * and then delivered to this node's members through the subscription). Completes with -1 when the
     * hash no longer had it for that node; failures mark this node for a resync.
     */
    CompletableFuture<Long> forget(String holder, RoomKey key, String member, List<EnginePacket> farewell) {
        if (halted) {
            return CompletableFuture.completedFuture(-1L);
        }
        List<EnginePacket> packets = farewell == null ? List.of() : farewell;
        byte[] message = new Envelope(Envelope.Kind.LEFT, node, member, "", packets).encode();
        return leaveScript.run(redis, key, member, holder, message, !packets.isEmpty()).exceptionally(e -> {
            liveness.dirty();
            return -1L;
        });
    }

    /**
     * Publishes on the room's channel. Completes when Redis handed it to at least as many subscribed
     * nodes as hold members of the room (this one included); otherwise fails, so the sender can say so.
     * With boxes, a node that is not connected to Redis (dead, or its subscription cut) is excused when
     * the room's hash still names its members: they have it in their boxes, and get it when they are taken
     * over or when their node subscribes again ({@link RedisRecovery#catchUp}). (A hash without them,
     * after Redis lost its data, boxed nothing for them: that publish fails.)
     */
    CompletableFuture<Void> publish(RedisRoom room, Envelope.Kind kind, String from, String arg, List<EnginePacket> encoded) {
        if (halted) {
            return Delivery.unavailable("halted", null);
        }
        int expected = room.remoteNodes() + 1;
        byte[] message = new Envelope(kind, node, from, arg, encoded).encode();
        CompletableFuture<Long> sent;
        if (sendScript == null || kind == Envelope.Kind.JOINED) {
            sent = redis.spublish(room.channel, message).toCompletableFuture();
        } else if (kind == Envelope.Kind.TARGETED) {
            sent = sendScript.toMember(redis, room.channelBytes, message, arg);
        } else {
            sent = sendScript.toRoom(redis, room.membersKey, room.channelBytes, message, from);
        }
        return sent.handle((n, e) -> {
            if (e != null) {
                liveness.dirty();
                if (sendScript != null) {
                    room.deliverHere(kind, from, arg, encoded); // not through Redis, as without recovery
                }
                throw new ClusterUnavailableException("publish: " + e.getMessage(), e);
            }
            return n;
        }).thenCompose(n -> {
            if (kind == Envelope.Kind.JOINED || n >= expected) {
                return Delivery.DONE;
            }
            if (sendScript == null) {
                return Delivery.unavailable("publish reached " + n + " of " + expected + " nodes", null);
            }
            return liveness.excusedNodes(room).thenCompose(excused -> n >= expected - excused ? Delivery.DONE
                    : Delivery.unavailable("publish reached " + n + " of " + (expected - excused) + " nodes", null));
        });
    }

    @Override
    public CompletableFuture<Void> publish(RoomKey key, List<EnginePacket> encoded) {
        RedisRoom room = rooms.get(keys.channel(key));
        if (room != null && sendScript == null) {
            room.deliverLocal(null, encoded);
        }
        if (halted) {
            return Delivery.unavailable("halted", null);
        }
        byte[] message = new Envelope(Envelope.Kind.MESSAGE, node, "", "", encoded).encode();
        CompletableFuture<Long> sent = sendScript == null ? redis.spublish(keys.channel(key), message).toCompletableFuture()
                : sendScript.toRoom(redis, keys.members(key), room != null ? room.channelBytes : RedisKeys.utf8(keys.channel(key)),
                        message, "");
        return sent.handle((n, e) -> {
            if (e != null) {
                if (room != null && sendScript != null) {
                    room.deliverLocal(null, encoded);
                }
                throw new ClusterUnavailableException("publish: " + e.getMessage(), e);
            }
            return null;
        });
    }

    /**
     * A message on a room channel or this node's channel, on the pub/sub connection's thread (so in the
     * order Redis ran the sends).
     */
    private void receive(String channel, byte[] bytes) {
        RedisRoom room = rooms.get(channel);
        boolean direct = channel.equals(nodeChannel);
        if (room == null && !direct) {
            return;
        }
        Envelope e;
        try {
            e = Envelope.decode(bytes);
        } catch (RuntimeException bad) {
            log.warn("cluster: dropped a malformed message on {}", channel);
            return;
        }
        boolean own = e.origin().equals(node);
        if (direct) {
            if (e.kind() == Envelope.Kind.DIRECT && recovery != null) {
                recovery.deliver(e.arg(), e.packets());
            }
            return;
        }
        if (!own || sendScript != null) { // without boxes, delivered to this node's members when sent
            room.receive(e, own);
        }
    }

    /** Subscribes again to every room this node holds (after a reconnect); completes when Redis confirmed. */
    CompletableFuture<Void> resubscribe() {
        Collection<String> channels = new ArrayList<>(rooms.keySet());
        channels.add(nodeChannel);
        return pubsub.async().ssubscribe(channels.toArray(String[]::new)).toCompletableFuture();
    }

    /** Registers a local member again (Redis lost it), whatever the room's size now. */
    CompletableFuture<List<Object>> reregister(RedisRoom room, Member m) {
        return joinScript.run(redis, keys, node, room.key(), m.id(), new RedisKeys.MemberValue(node, m.name()).bytes(), Integer.MAX_VALUE)
                .thenApply(all -> {
                    publish(room, Envelope.Kind.JOINED, m.id(), m.name(), List.of());
                    return all;
                });
    }

    @Override
    public int localRoomCount() {
        return rooms.size();
    }

    @Override
    public Health health() {
        return new Health("redis", !halted && connection.isOpen() && liveness.reachable());
    }

    /**
     * For tests: the node dies as far as Redis can tell: heartbeats stop and connections close, with no
     * member removed. The other nodes' sweepers remove its members once its heartbeat key expires.
     */
    public void halt() {
        halted = true;
        liveness.stop();
        shutdownClient();
    }

    /** Removes this node's members and its registration, then disconnects. */
    @Override
    public void close() {
        if (halted) {
            return;
        }
        liveness.stop();
        try {
            for (RedisRoom room : rooms.values()) {
                for (Member m : room.local()) {
                    forget(node, room.key(), m.id(), farewells.lost(room.key(), m.id()));
                }
            }
            if (recovery != null) {
                recovery.close();
            }
            redis.del(keys.alive(node), keys.nodeMembers(node)).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            redis.srem(keys.nodes(), RedisKeys.utf8(node)).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("cluster: could not deregister node {} from Redis: {}", node, e.toString());
        } finally {
            halted = true;
            shutdownClient();
        }
    }

    private void shutdownClient() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
