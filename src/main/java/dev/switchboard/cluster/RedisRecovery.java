package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.LocalRecoveryStore;
import dev.switchboard.signaling.socketio.RecoveryStore;
import dev.switchboard.signaling.socketio.SioSocket;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection state recovery shared by the nodes of {@link RedisRooms}. A session parked on a live node
 * waits in that node's memory, as on one node ({@link LocalRecoveryStore}). Each recoverable session also
 * has a record in Redis (its pid, its node, its rooms) and a box of what it was sent ({@link SendScript}),
 * so that when its node dies (its subscription to its own channel is gone) the client, reconnecting to
 * another node within the window and before the dead node's members are swept, is taken over there
 * ({@link TakeoverScript}): same id, same rooms, and the events after its offset from the box.
 */
final class RedisRecovery implements RecoveryStore {
    private static final Logger log = LoggerFactory.getLogger(RedisRecovery.class);

    /** A session ends: its record and box go, unless another node took it over meanwhile. */
    static final String END_SOURCE = """
            redis.call('SREM', KEYS[3], ARGV[2])
            if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then
              redis.call('DEL', KEYS[1], KEYS[2])
              return 1
            end
            return 0
            """;

    /** A session its node lost, found by {@link #elsewhere}: to be taken over here. */
    record Moving(String sid, String pid, String node, List<RoomKey> rooms) implements Elsewhere {}

    private final RedisRooms rooms;
    private final LocalRecoveryStore local;
    private final TakeoverScript takeover;
    private final LuaScript end;
    /** Recoverable sockets on this node, by id: where their own events arrive ({@link #deliver}). */
    private final ConcurrentHashMap<String, SioSocket> sockets = new ConcurrentHashMap<>();

    RedisRecovery(RedisRooms rooms, Duration window, String takeoverSha, String endSha) {
        this.rooms = rooms;
        this.local = new LocalRecoveryStore(window, System::nanoTime);
        this.takeover = new TakeoverScript(takeoverSha, rooms.keys);
        this.end = new LuaScript(END_SOURCE, ScriptOutputType.INTEGER, endSha);
    }

    @Override
    public Duration window() {
        return local.window();
    }

    @Override
    public void park(Parked session) {
        local.park(session);
    }

    @Override
    public CompletableFuture<Parked> claim(String pid) {
        return local.claim(pid);
    }

    @Override
    public boolean drop(Parked session) {
        return local.drop(session);
    }

    @Override
    public boolean expire(String pid) {
        return local.expire(pid);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void opened(SioSocket socket) {
        sockets.put(socket.id(), socket);
        record(socket);
    }

    /** Writes the socket's record (pid, this node) and its place in this node's set. */
    private CompletableFuture<?> record(SioSocket socket) {
        RedisKeys keys = rooms.keys;
        CompletableFuture<?> session = rooms.redis.hset(keys.session(socket.id()),
                Map.of("pid", utf8(socket.pid()), "node", utf8(rooms.node))).toCompletableFuture();
        return CompletableFuture.allOf(session, rooms.redis.sadd(keys.nodeSessions(rooms.node), utf8(socket.id())).toCompletableFuture());
    }

    @Override
    public void ended(SioSocket socket) {
        if (!sockets.remove(socket.id(), socket)) {
            return; // never opened here (a takeover that failed)
        }
        RedisKeys keys = rooms.keys;
        String sid = socket.id();
        end.run(rooms.redis, new String[] {keys.session(sid), keys.box(sid), keys.nodeSessions(rooms.node)},
                utf8(rooms.node), utf8(sid)).exceptionally(e -> null);
    }

    @Override
    public void emit(SioSocket socket, List<EnginePacket> encoded) {
        byte[] message = new Envelope(Envelope.Kind.DIRECT, rooms.node, "", socket.id(), encoded).encode();
        rooms.sendScript.toMember(rooms.redis, rooms.nodeChannelBytes, message, socket.id()).whenComplete((n, e) -> {
            if (e != null || n == 0) {
                socket.send(encoded); // Redis could not take it (or this node is not subscribed): at once
            }
        });
    }

    /** An event for one of this node's sockets, from this node's channel. */
    void deliver(String sid, List<EnginePacket> packets) {
        SioSocket s = sockets.get(sid);
        if (s != null) {
            s.send(packets);
        }
    }

    @Override
    public CompletableFuture<Elsewhere> elsewhere(String pid) {
        int dot = pid.indexOf('.');
        if (dot <= 0 || sockets.containsKey(pid.substring(0, dot))) {
            return CompletableFuture.completedFuture(null);
        }
        String sid = pid.substring(0, dot);
        RedisKeys keys = rooms.keys;
        return rooms.redis.hgetall(keys.session(sid)).toCompletableFuture().thenCompose(fields -> {
            byte[] node = fields.get("node");
            byte[] stored = fields.get("pid");
            // the pid is the client's secret: compared in constant time
            if (node == null || stored == null || !MessageDigest.isEqual(utf8(pid), stored) || str(node).equals(rooms.node)) {
                return CompletableFuture.completedFuture(null);
            }
            List<RoomKey> in = new ArrayList<>();
            for (String f : fields.keySet()) {
                RoomKey room = f.startsWith("r:") ? RedisKeys.room(f.substring(2)) : null;
                if (room != null) {
                    in.add(room);
                }
            }
            String holder = str(node);
            // A node that is connected to Redis is subscribed to its own channel.
            return rooms.redis.pubsubShardNumsub(keys.nodeChannel(holder)).toCompletableFuture().thenApply(subs -> {
                Long n = subs.get(keys.nodeChannel(holder));
                return n != null && n > 0 ? null : (Elsewhere) new Moving(sid, pid, holder, in);
            });
        }).exceptionally(e -> null);
    }

    /**
     * Takes over {@code from} for {@code member}: first this node subscribes to its rooms and holds the
     * member there (so that what is sent to it from now on is caught), then the script moves the session
     * here and answers its box. Completes with null when it could not be taken (this node lets go again).
     */
    CompletableFuture<Takeover> takeOver(Member member, Moving from) {
        List<CompletableFuture<RedisRoom>> holds = new ArrayList<>();
        for (RoomKey key : from.rooms()) {
            holds.add(hold(key, member));
        }
        return CompletableFuture.allOf(holds.toArray(CompletableFuture[]::new))
                .thenCompose(v -> takeover.run(rooms.redis, from.sid(), from.pid(), from.node(), rooms.node, from.rooms()))
                .handle((answer, e) -> {
                    List<RedisRoom> held = new ArrayList<>();
                    for (CompletableFuture<RedisRoom> h : holds) {
                        if (h.isDone() && !h.isCompletedExceptionally()) {
                            held.add(h.join());
                        }
                    }
                    if (e != null || answer == null || answer.size() < 2) {
                        for (RedisRoom r : held) {
                            release(r, member);
                        }
                        if (e != null) {
                            log.warn("cluster: could not take over session {}: {}", from.sid(), e.toString());
                        }
                        return null;
                    }
                    @SuppressWarnings("unchecked")
                    List<Object> names = (List<Object>) answer.get(0);
                    String name = names.isEmpty() ? null : str((byte[]) names.get(0));
                    List<List<EnginePacket>> history = new ArrayList<>();
                    for (Object entry : (List<?>) answer.get(1)) {
                        List<?> idAndFields = (List<?>) entry;
                        List<?> fields = (List<?>) idAndFields.get(1);
                        history.add(Envelope.decode((byte[]) fields.get(1)).packets());
                    }
                    for (int i = 0; i < held.size(); i++) {
                        RedisRoom r = held.get(i);
                        rooms.publish(r, Envelope.Kind.JOINED, member.id(), str((byte[]) names.get(i)), List.of());
                    }
                    log.info("cluster: took over session {} from node {} ({} room(s), {} event(s) in its box)",
                            from.sid(), from.node(), held.size(), history.size());
                    return new Takeover(List.copyOf(held), name, history);
                });
    }

    /**
     * After this node's subscription was cut and made again: each of its sockets gets what its box holds
     * from {@code sinceMillis} (Redis's clock) on and it was not sent ({@link SioSocket#catchUp}).
     */
    CompletableFuture<Void> catchUp(long sinceMillis) {
        List<CompletableFuture<?>> reads = new ArrayList<>();
        Range<String> since = Range.create(Math.max(0, sinceMillis) + "-0", "+");
        for (SioSocket s : sockets.values()) {
            reads.add(rooms.redis.xrange(rooms.keys.box(s.id()), since).toCompletableFuture()
                    .thenAccept(entries -> {
                        List<List<EnginePacket>> box = new ArrayList<>(entries.size());
                        for (StreamMessage<String, byte[]> m : entries) {
                            byte[] e = m.getBody().get("e");
                            if (e != null) {
                                box.add(Envelope.decode(e).packets());
                            }
                        }
                        if (!box.isEmpty()) {
                            s.catchUp(box);
                        }
                    }));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
    }

    /** Writes the records of this node's sessions again (Redis lost its data). */
    CompletableFuture<Void> reopen() {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (SioSocket s : sockets.values()) {
            writes.add(record(s));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * Subscribes to the room and holds {@code member} in it here, before Redis says it is this node's
     * (a takeover): from then on what the room is sent reaches it. Completes with the room.
     */
    CompletableFuture<RedisRoom> hold(RoomKey key, Member member) {
        String channel = rooms.keys.channel(key);
        RedisRoom room = rooms.rooms.compute(channel, (c, r) -> {
            if (r == null) {
                r = new RedisRoom(key, rooms, c, rooms.keys.members(key));
                r.subscribed = rooms.pubsub.async().ssubscribe(c).toCompletableFuture();
            }
            r.pending++;
            return r;
        });
        return room.subscribed.handle((v, e) -> {
            rooms.rooms.compute(channel, (c, r) -> {
                r.pending--;
                if (e == null) {
                    r.addLocal(member);
                    r.adopted(member.id());
                }
                return rooms.dropIfIdle(r);
            });
            if (e != null) {
                throw new ClusterUnavailableException("subscribe " + key.name() + ": " + e.getMessage(), e);
            }
            return room;
        });
    }

    /** Lets go of a member held for a takeover that did not happen (nothing in Redis changes). */
    void release(RedisRoom room, Member member) {
        rooms.rooms.computeIfPresent(room.channel, (c, r) -> {
            r.removeLocal(member);
            return rooms.dropIfIdle(r);
        });
    }

    /** Deregisters this node's sessions (it is closing: they end, their rooms are told by the rooms). */
    void close() {
        try {
            RedisKeys keys = rooms.keys;
            for (String sid : sockets.keySet()) {
                rooms.redis.del(keys.session(sid), keys.box(sid));
            }
            rooms.redis.del(keys.nodeSessions(rooms.node)).get(RedisRooms.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("cluster: could not remove this node's sessions from Redis: {}", e.toString());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
