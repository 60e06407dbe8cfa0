package dev.switchboard.cluster;

import dev.switchboard.bench.ServerProcess;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What Redis itself spends per cross-node message, and what the sending client does, for the ways a message
 * and its recovery box could be written (bench/redis-path.sh; not run by CI). One producer connection sends
 * paced messages the size of a relayed ICE candidate to 250 rooms of two members, a second connection
 * receives them, and the CPU of the redis-server process (and of this JVM: the sender, the receiver and the
 * pacing) over the measured part is divided by the messages received. Rounds alternate the ways so that
 * each round compares them on the same machine state.
 *
 * <ul>
 *   <li>{@code publish}: SPUBLISH alone (recovery across nodes off);</li>
 *   <li>{@code send-script}: what nodes send ({@link SendScript}: the box's writes of {@link Boxes} and SPUBLISH
 *       in one EVALSHA, the recipients read from the room's hash);</li>
 *   <li>{@code transaction}: the same writes as MULTI, XADD, XTRIM, PEXPIRE, SPUBLISH, EXEC from one thread,
 *       the recipient named by the sender;</li>
 *   <li>{@code pipelined}: the same commands without MULTI/EXEC (not atomic: two nodes' sends to one
 *       recipient could reach its box and its connection in different orders; shown as the floor);</li>
 *   <li>{@code node-stream}: no pub/sub; XADD to the recipient node's stream, read with XREAD BLOCK.</li>
 * </ul>
 */
public final class RedisPathBench {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final int ROOMS = 250;
    private static final long WINDOW_MILLIS = 120_000;
    private static final int MAX_ENTRIES = 1000;

    enum Way { PUBLISH, SEND_SCRIPT, TRANSACTION, PIPELINED, NODE_STREAM }

    public static void main(String[] args) throws Exception {
        int rate = 5000;
        int seconds = 10;
        int rounds = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--measure-s" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("redis path: %d rooms of two, %d msg/s paced, %d s measured after %d s warm-up, %d round(s)%n",
                ROOMS, rate, seconds, seconds / 4, rounds);
        System.out.printf("%-6s %-12s %16s %24s%n", "round", "path", "redis CPU us/msg", "client (this JVM) us/msg");
        try (RedisServer redis = RedisServer.start()) {
            for (int round = 1; round <= rounds; round++) {
                for (Way way : Way.values()) {
                    double[] us = run(redis, way, rate, seconds);
                    System.out.printf("%-6d %-12s %16.2f %24.2f%n", round, way.name().toLowerCase().replace('_', '-'), us[0], us[1]);
                }
            }
        }
    }

    /** Redis's CPU and this JVM's (the sending client and the receiving one) per message, in µs. */
    private static double[] run(RedisServer server, Way way, int rate, int seconds) throws Exception {
        RedisClient client = RedisClient.create(server.url());
        try {
            StatefulRedisConnection<String, byte[]> conn = client.connect(CODEC);
            RedisAsyncCommands<String, byte[]> redis = conn.async();
            redis.flushall().get();
            RedisKeys keys = new RedisKeys("sb:");
            List<RoomKey> rooms = new ArrayList<>();
            for (int i = 0; i < ROOMS; i++) {
                RoomKey room = new RoomKey(RoomKind.CODELAB, "room-" + i);
                rooms.add(room);
                redis.hset(keys.members(room), Map.of("a" + i, new RedisKeys.MemberValue("n1", "A").bytes(),
                        "b" + i, new RedisKeys.MemberValue("n2", "B").bytes())).get();
            }
            byte[] envelope = new Envelope(Envelope.Kind.MESSAGE, "n1", "a0", "",
                    List.of(EnginePacket.message("42[\"message\",{\"type\":\"candidate\",\"candidate\":\"candidate:1 1 udp 2122260223 "
                            + "192.168.1.10 54321 typ host generation 0 ufrag abcd network-id 1\",\"sdpMid\":\"0\"},\"12345\"]"))).encode();
            AtomicLong received = new AtomicLong();
            StatefulRedisPubSubConnection<String, byte[]> sub = client.connectPubSub(CODEC);
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String channel, byte[] message) {
                    received.incrementAndGet();
                }
            });
            Thread reader = null;
            String nodeStream = keys.prefix() + "stream:n2";
            if (way == Way.NODE_STREAM) {
                reader = streamReader(client.connect(CODEC), nodeStream, received);
            } else {
                sub.sync().ssubscribe(rooms.stream().map(keys::channel).toArray(String[]::new));
            }
            SendScript script = new SendScript(conn.sync().scriptLoad(SendScript.SOURCE), keys, WINDOW_MILLIS, MAX_ENTRIES);
            // names built once, so that the client's figure is the sends' and not the loop's
            String[] channelNames = new String[ROOMS];
            byte[][] channels = new byte[ROOMS][];
            String[] membersKeys = new String[ROOMS];
            String[] boxes = new String[ROOMS];
            String[] senders = new String[ROOMS];
            for (int i = 0; i < ROOMS; i++) {
                channelNames[i] = keys.channel(rooms.get(i));
                channels[i] = RedisKeys.utf8(channelNames[i]);
                membersKeys[i] = keys.members(rooms.get(i));
                boxes[i] = keys.box("b" + i);
                senders[i] = "a" + i;
            }
            Map<String, byte[]> entry = Map.of("e", envelope);
            // the trim by age of the script, with this client's clock
            XAddArgs capped = XAddArgs.Builder.minId((System.currentTimeMillis() - WINDOW_MILLIS) + "-0").approximateTrimming();
            XAddArgs streamCap = XAddArgs.Builder.maxlen(100_000).approximateTrimming();
            long interval = 1_000_000_000L / rate;
            long warm = (long) rate * seconds / 4;
            long total = warm + (long) rate * seconds;
            long cpu0 = 0;
            long self0 = 0;
            long got0 = 0;
            long next = System.nanoTime();
            for (long i = 0; i < total; i++) {
                if (i == warm) {
                    Thread.sleep(200);
                    cpu0 = cpu(server);
                    self0 = self();
                    got0 = received.get();
                }
                int r = (int) (i % ROOMS);
                String box = boxes[r];
                switch (way) {
                    case PUBLISH -> redis.spublish(channelNames[r], envelope);
                    case SEND_SCRIPT -> script.toRoom(redis, membersKeys[r], channels[r], envelope, senders[r]);
                    case TRANSACTION, PIPELINED -> {
                        conn.setAutoFlushCommands(false);
                        if (way == Way.TRANSACTION) {
                            redis.multi();
                        }
                        redis.xadd(box, capped, entry);
                        redis.xtrim(box, true, MAX_ENTRIES);
                        redis.pexpire(box, WINDOW_MILLIS);
                        redis.spublish(channelNames[r], envelope);
                        if (way == Way.TRANSACTION) {
                            redis.exec();
                        }
                        conn.flushCommands();
                        conn.setAutoFlushCommands(true);
                    }
                    case NODE_STREAM -> redis.xadd(nodeStream, streamCap, entry);
                }
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            Thread.sleep(300);
            long got = received.get() - got0;
            long ticks = cpu(server) - cpu0;
            long selfTicks = self() - self0;
            if (reader != null) {
                reader.interrupt();
            }
            // every message must have arrived, or the figure would flatter the way that lost some
            if (got < (long) rate * seconds) {
                throw new IllegalStateException(way + ": received " + got + " of " + (long) rate * seconds);
            }
            return new double[] {ticks * 10_000.0 / got, selfTicks * 10_000.0 / got}; // 100 ticks a second
        } finally {
            client.shutdown();
        }
    }

    private static Thread streamReader(StatefulRedisConnection<String, byte[]> conn, String stream, AtomicLong received) {
        Thread t = new Thread(() -> {
            String last = "0-0";
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    var got = conn.sync().xread(XReadArgs.Builder.block(500).count(500), XReadArgs.StreamOffset.from(stream, last));
                    for (var m : got) {
                        last = m.getId();
                        received.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    return;
                }
            }
        }, "stream-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long self() throws java.io.IOException {
        return ServerProcess.cpuOf(Path.of("/proc/self/stat")).total();
    }

    private static long cpu(RedisServer server) throws java.io.IOException {
        return ServerProcess.cpuOf(Path.of("/proc", Long.toString(server.pid()), "stat")).total();
    }
}
