package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link SendTransaction} through {@link Publisher} against a real redis-server: boxes and channel in one order,
 * whatever the threads.
 */
@Tag("external")
class SendTransactionTest {
    static RedisServer redis;
    static RedisClient client;

    @BeforeAll
    static void start() throws Exception {
        String why = RedisServer.unavailable();
        assumeTrue(why == null, why);
        redis = RedisServer.start();
        client = RedisClient.create(redis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void sendsFromManyThreadsOnOneConnectionReachEachBoxInTheOrderTheChannelDeliversThem() throws Exception {
        RedisKeys keys = new RedisKeys("order:");
        SendTransaction send = new SendTransaction(keys, 60_000, 10_000);
        String channel = keys.channel(new RoomKey(RoomKind.CODELAB, "r"));
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        StatefulRedisPubSubConnection<String, byte[]> sub = client.connectPubSub(RedisRooms.CODEC);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String c, byte[] message) {
                delivered.add(new String(message, StandardCharsets.UTF_8));
            }
        });
        sub.sync().ssubscribe(channel);
        // a publisher as a node has; a plain publish now and then between the transactions
        Publisher publisher = new Publisher();
        RedisClient own = RedisClient.create(ClientResources.builder().nettyCustomizer(publisher).build(), redis.url());
        StatefulRedisConnection<String, byte[]> shared = own.connect(RedisRooms.CODEC);
        publisher.connected(shared);
        int threads = 4;
        int each = 400;
        byte[] room = "c:r".getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<Long>> answers = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Long>> elsewhere = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread s = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    byte[] m = (thread + ":" + i).getBytes(StandardCharsets.UTF_8);
                    CompletableFuture<Long> sent = publisher.send(send, List.of("alice", "bob"), channel, m, room);
                    answers.add(sent);
                    if (i % 10 == 0) {
                        // the next send made from the connection's own event loop (where Lettuce completes
                        // commands), as a node's loops make theirs, between the other threads' sends
                        byte[] next = (thread + ":" + i + "+").getBytes(StandardCharsets.UTF_8);
                        answers.add(sent.thenCompose(n -> publisher.send(send, List.of("alice", "bob"), channel, next, room)));
                    }
                    if (i % 50 == 0) {
                        elsewhere.add(publisher.publish("order:elsewhere", m));
                    }
                }
            });
            s.start();
            senders.add(s);
        }
        go.countDown();
        for (Thread s : senders) {
            s.join();
        }
        for (CompletableFuture<Long> a : answers) {
            assertThat(a.get(5, TimeUnit.SECONDS)).as("nodes each send reached").isEqualTo(1L);
        }
        for (CompletableFuture<Long> a : elsewhere) {
            assertThat(a.get(5, TimeUnit.SECONDS)).as("a plain publish to a channel nobody hears").isZero();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == threads * (each + each / 10));
        for (String box : List.of("alice", "bob")) {
            List<StreamMessage<String, byte[]>> entries = shared.sync().xrange(keys.box(box), Range.create("-", "+"));
            List<String> boxed = new ArrayList<>();
            for (StreamMessage<String, byte[]> e : entries) {
                boxed.add(new String(e.getBody().get("e"), StandardCharsets.UTF_8));
                assertThat(new String(e.getBody().get("r"), StandardCharsets.UTF_8)).isEqualTo("c:r");
            }
            assertThat(boxed).as(box + "'s box against the channel").containsExactlyElementsOf(delivered);
            assertThat(shared.sync().pttl(keys.box(box))).as("the box expires a window after its last entry")
                    .isBetween(1L, 60_000L);
        }
        sub.close();
        own.shutdown();
    }

    @Test
    void aBoxKeepsAboutItsCapAndLetsGoOfWhatIsOlderThanTheWindow() throws Exception {
        RedisKeys keys = new RedisKeys("cap:");
        StatefulRedisConnection<String, byte[]> c = client.connect(RedisRooms.CODEC);
        Publisher publisher = new Publisher();
        publisher.connected(c); // its channel unknown: writes from the calling thread
        SendTransaction send = new SendTransaction(keys, 60_000, 100);
        byte[] room = "c:r".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 1000; i++) {
            publisher.send(send, List.of("carol"), "cap:ch", ("m" + i).getBytes(StandardCharsets.UTF_8), room).get(5, TimeUnit.SECONDS);
        }
        // approximate trimming drops whole stream nodes (100 entries each by default)
        assertThat(c.sync().xlen(keys.box("carol"))).isBetween(100L, 200L);
        List<StreamMessage<String, byte[]>> last = c.sync().xrevrange(keys.box("carol"), Range.create("-", "+"));
        assertThat(new String(last.get(0).getBody().get("e"), StandardCharsets.UTF_8)).isEqualTo("m999");

        // entries older than the window go a whole stream node (100 entries) at a time with the next send
        for (int i = 0; i < 150; i++) {
            c.sync().xadd(keys.box("dave"), new io.lettuce.core.XAddArgs().id((1000 + i) + "-0"),
                    Map.of("e", ("old" + i).getBytes(StandardCharsets.UTF_8)));
        }
        publisher.send(send, List.of("dave"), "cap:ch", "new".getBytes(StandardCharsets.UTF_8), room).get(5, TimeUnit.SECONDS);
        Set<String> bodies = new java.util.HashSet<>();
        for (StreamMessage<String, byte[]> e : c.sync().xrange(keys.box("dave"), Range.create("-", "+"))) {
            bodies.add(new String(e.getBody().get("e"), StandardCharsets.UTF_8));
        }
        assertThat(bodies).doesNotContain("old0", "old99").contains("old149", "new").hasSize(51);
        c.close();
    }
}
