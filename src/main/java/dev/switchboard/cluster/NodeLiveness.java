package dev.switchboard.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SetArgs;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's heartbeat and sweeper, on a thread of its own. Every interval: refresh this node's
 * {@code alive} key (TTL {@code ttl}); if the key was gone (Redis restarted and lost its data, or this
 * node was taken for dead) or a write failed meanwhile, subscribe again and register every local member
 * again; then remove the members of every node whose key expired, telling their rooms with the
 * protocols' farewells. A dead node's peers leave their rooms within ttl + interval.
 */
final class NodeLiveness {
    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
    private static final byte[] ONE = {'1'};
    /** How far before a cut of the subscription the boxes are read again (clocks of node and Redis differ). */
    static final long CATCH_UP_MARGIN_MS = 2_000;

    private final RedisRooms rooms;
    private final Duration interval;
    private final Duration ttl;
    private final ScheduledExecutorService timer;
    private volatile boolean reachable = true;
    private volatile boolean dirty;
    /** When this node's subscription was last cut (wall-clock milliseconds), until it caught up; 0: not cut. */
    private volatile long subscriptionCutAt;

    NodeLiveness(RedisRooms rooms, Duration interval, Duration ttl) {
        this.rooms = rooms;
        this.interval = interval;
        this.ttl = ttl;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        beat(); // registered before the first join
        timer.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    boolean reachable() {
        return reachable;
    }

    /**
     * Watches the subscription's connection: when it is cut, the time (for the catch-up); when it is back,
     * a resync at the next beat (subscribe again, and catch up from the boxes).
     */
    RedisConnectionStateListener subscriptionWatch(Object pubsub) {
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == pubsub) {
                    dirty();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == pubsub && subscriptionCutAt == 0) {
                    subscriptionCutAt = System.currentTimeMillis();
                }
            }
        };
    }

    /**
     * The nodes holding members of the room (as this node knows them) that are not subscribed to their
     * own channel now, whose members the room's hash still names, and all of whose members there can be
     * recovered (each has a session record, so what it is sent meanwhile waits in its box). A Socket.IO 2.x
     * client has no recovery: a node holding one is not excused, and the sender hears that its message
     * could not be delivered instead of being told it was.
     */
    CompletableFuture<Integer> excusedNodes(RedisRoom room) {
        Set<String> remote = room.remoteNodeIds();
        if (remote.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        String[] channels = remote.stream().map(rooms.keys::nodeChannel).toArray(String[]::new);
        return rooms.redis.hgetall(room.membersKey).toCompletableFuture()
                .thenCombine(rooms.redis.pubsubShardNumsub(channels).toCompletableFuture(), (members, subs) -> {
                    Map<String, List<String>> named = new HashMap<>();
                    members.forEach((id, v) -> {
                        RedisKeys.MemberValue m = RedisKeys.MemberValue.parse(v);
                        if (m != null) {
                            named.computeIfAbsent(m.node(), n -> new ArrayList<>()).add(id);
                        }
                    });
                    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
                    for (String other : remote) {
                        Long subscribers = subs.get(rooms.keys.nodeChannel(other));
                        List<String> ids = named.get(other);
                        if ((subscribers == null || subscribers == 0) && ids != null) {
                            String[] records = ids.stream().map(rooms.keys::session).toArray(String[]::new);
                            checks.add(rooms.redis.exists(records).toCompletableFuture().thenApply(n -> n == records.length));
                        }
                    }
                    return checks;
                })
                .thenCompose(checks -> CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                        .thenApply(v -> (int) checks.stream().filter(CompletableFuture::join).count()));
    }

    /** A write to Redis failed: register again at the next beat. */
    void dirty() {
        dirty = true;
    }

    private void beat() {
        var redis = rooms.redis;
        RedisKeys keys = rooms.keys;
        try {
            byte[] before = await(redis.setGet(keys.alive(rooms.node), ONE, SetArgs.Builder.px(ttl)));
            await(redis.sadd(keys.nodes(), RedisKeys.utf8(rooms.node)));
            if (!reachable) {
                log.info("cluster: Redis reachable again");
            }
            reachable = true;
            if (before == null || dirty) {
                dirty = false;
                resync();
            }
            sweep();
        } catch (Exception e) {
            if (reachable) {
                log.warn("cluster: Redis unreachable: {}", e.toString());
            }
            reachable = false;
            dirty = true;
        }
    }

    /** Subscriptions and registrations of this node's members, as they are now. */
    private void resync() throws Exception {
        await(rooms.resubscribe());
        if (rooms.recovery != null) {
            await(rooms.recovery.reopen()); // before the rooms, which name each session's rooms in its record
            long cut = subscriptionCutAt;
            if (cut != 0) {
                // subscribed again: what the cut kept from the sockets (from a little before it, for clocks)
                await(rooms.recovery.catchUp(cut - CATCH_UP_MARGIN_MS));
                if (subscriptionCutAt == cut) {
                    subscriptionCutAt = 0;
                }
            }
        }
        int members = 0;
        for (RedisRoom room : rooms.rooms.values()) {
            for (Member m : room.local()) {
                List<Object> all = await(rooms.reregister(room, m));
                members++;
                room.mergeSnapshot(all, rooms.node);
            }
        }
        // Entries of members that left while Redis could not be told.
        for (byte[] raw : await(rooms.redis.smembers(rooms.keys.nodeMembers(rooms.node)))) {
            RedisKeys.Entry e = RedisKeys.Entry.parse(raw);
            if (e == null) {
                continue;
            }
            RedisRoom room = rooms.rooms.get(rooms.keys.channel(e.room()));
            if (room == null || room.localMember(e.member()) == null) {
                rooms.forget(rooms.node, e.room(), e.member(), rooms.farewells.lost(e.room(), e.member()));
            }
        }
        if (members > 0) {
            log.info("cluster: node {} registered {} local member(s) again", rooms.node, members);
        }
    }

    /**
     * Removes the members of nodes whose heartbeat expired; the first sweeper to remove one tells. Their
     * sessions go first, so none can be taken over once its rooms may have heard it left.
     */
    private void sweep() throws Exception {
        var redis = rooms.redis;
        RedisKeys keys = rooms.keys;
        Set<byte[]> nodes = await(redis.smembers(keys.nodes()));
        for (byte[] raw : nodes) {
            String other = new String(raw, StandardCharsets.UTF_8);
            if (other.equals(rooms.node) || await(redis.exists(keys.alive(other))) > 0) {
                continue;
            }
            for (byte[] sid : await(redis.smembers(keys.nodeSessions(other)))) {
                String s = new String(sid, StandardCharsets.UTF_8);
                await(redis.del(keys.session(s), keys.box(s)));
            }
            await(redis.del(keys.nodeSessions(other)));
            int removed = 0;
            for (byte[] entryBytes : await(redis.smembers(keys.nodeMembers(other)))) {
                RedisKeys.Entry e = RedisKeys.Entry.parse(entryBytes);
                if (e == null) {
                    continue;
                }
                var farewell = rooms.farewells.lost(e.room(), e.member());
                if (await(rooms.forget(other, e.room(), e.member(), farewell)) < 0) {
                    continue; // gone already, or taken over by a live node
                }
                removed++;
                RedisRoom room = rooms.rooms.get(keys.channel(e.room()));
                if (room != null) {
                    room.remoteLeft(e.member());
                    if (rooms.sendScript == null) {
                        room.deliverLocal(e.member(), farewell); // with boxes it comes through the channel
                    }
                }
            }
            await(redis.del(keys.nodeMembers(other)));
            await(redis.srem(keys.nodes(), raw));
            log.info("cluster: node {} stopped its heartbeat; removed {} of its member(s)", other, removed);
        }
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> f) throws Exception {
        return f.toCompletableFuture().get(RedisRooms.COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    }
}
