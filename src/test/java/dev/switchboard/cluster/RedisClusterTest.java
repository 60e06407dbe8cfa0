package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.LegacySioClient;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Switchboard nodes in this JVM sharing rooms through a real redis-server child process; the
 * official Java Socket.IO client on each node. The Redis restart runs last.
 */
@Tag("external")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {
    static final String[] CODELAB = {"created", "joined", "join", "ready", "full", "message", "bye", "error"};
    static final String[] MESH = {"signal", "peer-joined", "peer-left", "error"};
    static RedisServer redis;
    static TestServer node1;
    static TestServer node2;

    @BeforeAll
    static void start() throws Exception {
        String why = RedisServer.unavailable();
        assumeTrue(why == null, why);
        redis = RedisServer.start();
        node1 = node();
        node2 = node();
    }

    static TestServer node() {
        return TestServer.start(Map.of("cluster.redis-url", redis.url(), "cluster.key-prefix", "test:",
                "signaling.room-capacity", 3, "signaling.messages-per-second", 10_000, "signaling.message-burst", 10_000));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {node1, node2, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static JavaSioClient codelab(TestServer node) {
        return JavaSioClient.connect(node.url(), CODELAB);
    }

    static JavaSioClient mesh(TestServer node) {
        return JavaSioClient.connect(node.url(), new String[] {"websocket"}, null, MESH);
    }

    static JSONObject call(JavaSioClient c, String event, Map<String, ?> body) throws Exception {
        return (JSONObject) c.call(event, new JSONObject(body))[0];
    }

    @Test
    @Order(0)
    void aNodeThatClosesDeregistersFromRedisAtOnce() throws Exception {
        // Its Redis connections run on the node's event loops: the node must close them before its loops
        // stop, or its deregistering commands have no loop to run on (they time out and the node's keys
        // linger until they expire).
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            var sync = connection.sync();
            Set<String> before = sync.smembers("test:nodes");
            TestServer node3 = node();
            Set<String> with = new java.util.HashSet<>(sync.smembers("test:nodes"));
            with.removeAll(before);
            assertThat(with).as("the new node's registration").hasSize(1);
            String id = with.iterator().next();
            assertThat(sync.exists("test:node:" + id + ":alive")).isEqualTo(1L);
            long start = System.nanoTime();
            node3.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to close").isLessThan(RedisRooms.COMMAND_TIMEOUT);
            assertThat(sync.exists("test:node:" + id + ":alive")).as("its heartbeat key").isZero();
            assertThat(sync.smembers("test:nodes")).as("registered nodes").isEqualTo(before);
        } finally {
            client.shutdown();
        }
    }

    @Test
    @Order(1)
    void codelabFlowAcrossNodesStaysInItsRoom() throws Exception {
        try (JavaSioClient a = codelab(node1); JavaSioClient b = codelab(node2); JavaSioClient other = codelab(node2)) {
            a.socket.emit("create or join", "x-lab");
            assertThat(a.next("created").args()).containsExactly("x-lab", a.id());
            other.socket.emit("create or join", "x-other");
            other.next("created");

            b.socket.emit("create or join", "x-lab");
            assertThat(b.next("joined").args()).containsExactly("x-lab", b.id());
            assertThat(b.next("ready").args()).containsExactly("x-lab");
            assertThat(a.next("join").args()).containsExactly("x-lab");
            assertThat(a.next("ready").args()).containsExactly("x-lab");

            a.socket.emit("message", new JSONObject(Map.of("type", "offer", "sdp", "v=0")));
            assertThat(((JSONObject) b.next("message").arg(0)).getString("type")).isEqualTo("offer");
            b.socket.emit("message", "answer");
            assertThat(a.next("message").args()).containsExactly("answer");

            // other (node 2, another room) then sends a marker to itself via a second member on node 1
            try (JavaSioClient o2 = codelab(node1)) {
                o2.socket.emit("create or join", "x-other");
                o2.next("joined");
                o2.next("ready");
                other.next("join");
                other.next("ready");
                a.socket.emit("message", "only-x-lab");
                assertThat(b.next("message").args()).containsExactly("only-x-lab");
                o2.socket.emit("message", "marker");
                JavaSioClient.Event first = other.next();
                assertThat(first.args()).as("a relay to another room never arrives").containsExactly("marker");
            }

            String bId = b.id();
            b.socket.emit("bye", "x-lab");
            assertThat(a.next("bye").args()).containsExactly("x-lab", bId);
            assertThat(a.poll(300)).as("bye by request sends no message(\"bye\")").isNull();
        }
    }

    @Test
    @Order(2)
    void meshFlowAcrossNodesWithTargetedSignalsAndOrder() throws Exception {
        try (JavaSioClient a = mesh(node1); JavaSioClient b = mesh(node2); JavaSioClient c = mesh(node1)) {
            assertThat(call(a, "join", Map.of("room", "x-mesh", "name", "Ada")).getJSONArray("peers").length()).isZero();
            JSONObject jb = call(b, "join", Map.of("room", "x-mesh", "name", "Bob"));
            assertThat(jb.getJSONArray("peers").getJSONObject(0).getString("name")).as("presence across nodes").isEqualTo("Ada");
            JSONObject joined = (JSONObject) a.next("peer-joined").arg(0);
            assertThat(joined.getString("id")).isEqualTo(b.id());
            assertThat(joined.getString("name")).isEqualTo("Bob");
            JSONObject jc = call(c, "join", Map.of("room", "x-mesh", "name", "Cy"));
            assertThat(jc.getJSONArray("peers").length()).isEqualTo(2);
            a.next("peer-joined");
            b.next("peer-joined");

            // a (node 1) to b (node 2) only
            JSONObject ack = call(a, "signal", Map.of("room", "x-mesh", "to", b.id(), "data", Map.of("type", "offer")));
            assertThat(ack.getBoolean("ok")).isTrue();
            JSONObject sig = (JSONObject) b.next("signal").arg(0);
            assertThat(sig.getString("from")).isEqualTo(a.id());
            assertThat(sig.getString("to")).isEqualTo(b.id());
            // b (node 2) to c (node 1) only
            call(b, "signal", Map.of("room", "x-mesh", "to", c.id(), "data", "for-c"));
            assertThat(((JSONObject) c.next("signal").arg(0)).getString("data")).isEqualTo("for-c");
            assertThat(a.poll(200)).as("a targeted signal reaches only its target").isNull();

            JSONObject bad = call(a, "signal", Map.of("room", "x-mesh", "to", "nobody", "data", 1));
            assertThat(bad.getJSONObject("error").getString("code")).isEqualTo("no_such_peer");
            assertThat(((JSONObject) a.next("error").arg(0)).getString("code")).isEqualTo("no_such_peer");

            // per-sender order across nodes: 300 signals without waiting, to all
            for (int i = 0; i < 300; i++) {
                a.socket.emit("signal", new JSONObject(Map.of("room", "x-mesh", "data", i)));
            }
            for (int i = 0; i < 300; i++) {
                assertThat(((JSONObject) b.next("signal").arg(0)).getInt("data")).isEqualTo(i);
                assertThat(((JSONObject) c.next("signal").arg(0)).getInt("data")).isEqualTo(i);
            }

            call(b, "leave", Map.of("room", "x-mesh"));
            JSONObject left = (JSONObject) a.next("peer-left").arg(0);
            assertThat(left.getString("id")).isEqualTo(b.id());
            assertThat(left.getString("reason")).isEqualTo("left");
            assertThat(((JSONObject) c.next("peer-left").arg(0)).getString("id")).isEqualTo(b.id());

            JSONObject afterLeave = call(a, "signal", Map.of("room", "x-mesh", "to", b.id(), "data", 1));
            assertThat(afterLeave.getJSONObject("error").getString("code")).as("the member left on every node's view")
                    .isEqualTo("no_such_peer");
        }
    }

    @Test
    @Order(3)
    void capacityHoldsWhenTwoNodesRaceForTheLastPlace() throws Exception {
        for (int round = 0; round < 20; round++) {
            String room = "x-race-" + round;
            try (JavaSioClient a = mesh(node1); JavaSioClient b = mesh(node2); JavaSioClient y = mesh(node1);
                 JavaSioClient z = mesh(node2)) {
                assertThat(call(a, "join", Map.of("room", room)).getBoolean("ok")).isTrue();
                assertThat(call(b, "join", Map.of("room", room)).getBoolean("ok")).isTrue();
                CompletableFuture<JSONObject> fy = CompletableFuture.supplyAsync(() -> join(y, room));
                CompletableFuture<JSONObject> fz = CompletableFuture.supplyAsync(() -> join(z, room));
                List<JSONObject> answers = List.of(fy.get(15, TimeUnit.SECONDS), fz.get(15, TimeUnit.SECONDS));
                long ok = answers.stream().filter(RedisClusterTest::ok).count();
                assertThat(ok).as("round %d: one of two racers gets the third place: %s", round, answers).isEqualTo(1);
                JSONObject refused = answers.stream().filter(j -> !ok(j)).findFirst().orElseThrow();
                assertThat(refused.getJSONObject("error").getString("code")).isEqualTo("room_full");
            }
        }
    }

    static boolean ok(JSONObject j) {
        return j.optBoolean("ok", false);
    }

    static JSONObject join(JavaSioClient c, String room) {
        try {
            return call(c, "join", Map.of("room", room));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(4)
    void peersOfANodeThatDiesLeaveTheirRoomsWithinTenSeconds() throws Exception {
        TestServer doomed = node();
        try (JavaSioClient a = mesh(node1); JavaSioClient la = codelab(node1);
             JavaSioClient b = mesh(doomed); JavaSioClient lb = codelab(doomed)) {
            call(a, "join", Map.of("room", "x-doom"));
            call(b, "join", Map.of("room", "x-doom"));
            a.next("peer-joined");
            codelabPair(la, lb, "x-doom-lab");
            String bId = b.id();
            String lbId = lb.id();

            long t0 = System.nanoTime();
            doomed.server().halt();
            JSONObject pl = awaitEvent(a, "peer-left", 12);
            long meshMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(pl.getString("id")).isEqualTo(bId);
            assertThat(pl.getString("reason")).isEqualTo("disconnected");
            JavaSioClient.Event bye = awaitRaw(la, "bye", 12);
            long labMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(bye.args()).containsExactly("x-doom-lab", lbId);
            assertThat(la.next("message").args()).containsExactly("bye");
            System.out.printf("node loss: peer-left after %d ms, bye after %d ms%n", meshMs, labMs);
            assertThat(Math.max(meshMs, labMs)).as("within 10 s").isLessThan(10_000);

            // the place is free again on the surviving node's view
            JSONObject none = call(a, "signal", Map.of("room", "x-doom", "to", bId, "data", 1));
            assertThat(none.getJSONObject("error").getString("code")).isEqualTo("no_such_peer");
        } finally {
            doomed.close();
        }
    }

    @Test
    @Order(4)
    void aMessageToASocketIo2PeerOnADeadNodeIsRefusedWhileARecoverablePeerThereIsExcused() throws Exception {
        TestServer doomed = node();
        try (JavaSioClient a = codelab(node1); JavaSioClient c = codelab(node1); JavaSioClient modern = codelab(doomed);
             LegacySioClient legacy = LegacySioClient.connect(doomed.url(), new String[] {"websocket"}, null, CODELAB)) {
            // a with a 2.x client (no recovery, no box) on the node that dies; c with a 4.x one (boxed)
            a.socket.emit("create or join", "x-legacy-lab");
            a.next("created");
            legacy.emit("create or join", "x-legacy-lab");
            legacy.next("joined");
            a.next("join");
            a.next("ready");
            codelabPair(c, modern, "x-modern-lab");

            int nodes = redisCli("PUBSUB", "SHARDCHANNELS", "test:{n:*").split("\n").length;
            doomed.server().halt();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    redisCli("PUBSUB", "SHARDCHANNELS", "test:{n:*").split("\n").length == nodes - 1);
            c.socket.emit("message", "kept in its box");
            a.socket.emit("message", "nowhere to keep it");
            JavaSioClient.Event refused = awaitRaw(a, "error", 5);
            JSONObject error = (JSONObject) refused.arg(0);
            assertThat(error.getString("code")).isEqualTo("cluster_unavailable");
            assertThat(error.getString("event")).isEqualTo("message");
            JavaSioClient.Event toModern = c.poll(1500);
            assertThat(toModern).as("the message to the recoverable peer is accepted: it waits in its box").isNull();
        } finally {
            doomed.close();
        }
    }

    /** {@code first} creates the codelab room, {@code second} joins it; both see the events that says. */
    static void codelabPair(JavaSioClient first, JavaSioClient second, String room) throws InterruptedException {
        first.socket.emit("create or join", room);
        first.next("created");
        second.socket.emit("create or join", room);
        second.next("joined");
        first.next("join");
        first.next("ready");
    }

    /** The next event of that name within the wait, skipping nothing else silently. */
    static JSONObject awaitEvent(JavaSioClient c, String name, int seconds) throws Exception {
        return (JSONObject) awaitRaw(c, name, seconds).arg(0);
    }

    static JavaSioClient.Event awaitRaw(JavaSioClient c, String name, int seconds) throws Exception {
        JavaSioClient.Event e = c.poll(seconds * 1000L);
        assertThat(e).as("no %s within %d s", name, seconds).isNotNull();
        assertThat(e.name()).isEqualTo(name);
        return e;
    }

    /** The next event of that name, skipping others (the refusals' error events). */
    static JavaSioClient.Event skipTo(JavaSioClient c, String name, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JavaSioClient.Event e = c.poll(100);
            if (e != null && e.name().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no " + name + " within " + seconds + " s");
    }

    static String health(TestServer node) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(node.url() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        return new JSONObject(r.body()).getJSONObject("cluster").getString("redis");
    }

    @Test
    @Order(5)
    void aNodeWhoseSubscriptionIsCutForAMomentGetsWhatItMissedFromTheBoxesOnce() throws Exception {
        try (JavaSioClient a = mesh(node1); JavaSioClient b = mesh(node2)) {
            call(a, "join", Map.of("room", "x-cut"));
            call(b, "join", Map.of("room", "x-cut"));
            a.next("peer-joined");
            Signals toB = new Signals(b);
            Signals toA = new Signals(a);
            for (int seq = 0; seq < 300; seq++) {
                if (seq == 50) {
                    // One node's subscription only: the other node still reaches Redis and sends to it.
                    killOnePubSubConnection();
                }
                toB.send(a, seq);
                toA.send(b, seq);
            }
            for (Signals s : List.of(toB, toA)) {
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(s.received).as("every acked signal arrived").containsAll(s.acked));
                assertThat(s.refusals).allMatch("cluster_unavailable"::equals);
                assertThat(s.duplicates.get()).isZero();
            }
            System.out.printf("one subscription cut: to b %d acked, %d refused, %d received; to a %d acked, %d refused,"
                    + " %d received; 0 duplicates%n", toB.acked.size(), toB.refusals.size(), toB.received.size(),
                    toA.acked.size(), toA.refusals.size(), toA.received.size());
        }
    }

    /** Numbered signals to one client: what the sender was told, and what arrived. */
    static final class Signals {
        final Set<Integer> received = ConcurrentHashMap.newKeySet();
        final AtomicInteger duplicates = new AtomicInteger();
        final List<Integer> acked = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();
        private final JavaSioClient to;

        Signals(JavaSioClient to) {
            this.to = to;
            to.socket.on("signal", args -> {
                if (!received.add(((JSONObject) args[0]).optInt("data", -1))) {
                    duplicates.incrementAndGet();
                }
            });
        }

        void send(JavaSioClient from, int seq) throws Exception {
            JSONObject r = call(from, "signal", Map.of("room", "x-cut", "to", to.id(), "data", seq));
            if (r.getBoolean("ok")) {
                acked.add(seq);
            } else {
                refusals.add(r.getJSONObject("error").getString("code"));
            }
        }
    }

    /** Closes the first pub/sub connection Redis lists (one node's subscriptions). */
    static void killOnePubSubConnection() throws Exception {
        String list = redisCli("CLIENT", "LIST", "TYPE", "pubsub");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=(\\d+)").matcher(list);
        assertThat(m.find()).as(list).isTrue();
        assertThat(redisCli("CLIENT", "KILL", "ID", m.group(1))).as("connections closed").isEqualTo("1");
    }

    static String redisCli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(redis.port())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    @Order(6)
    void redisRestartGivesErrorsNotSilentLossAndSignalingRecoversWithoutRestartingNodes() throws Exception {
        try (JavaSioClient a = mesh(node1); JavaSioClient b = mesh(node2)) {
            call(a, "join", Map.of("room", "x-restart"));
            call(b, "join", Map.of("room", "x-restart"));
            a.next("peer-joined");
            assertThat(health(node1)).isEqualTo("reachable");

            Set<Integer> received = ConcurrentHashMap.newKeySet();
            b.socket.on("signal", args -> received.add(((JSONObject) args[0]).optInt("data", -1)));
            List<Integer> acked = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            int seq = 0;

            redis.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> health(node1).equals("unreachable"));
            for (int i = 0; i < 3; i++, seq++) {
                JSONObject r = call(a, "signal", Map.of("room", "x-restart", "to", b.id(), "data", seq));
                if (r.getBoolean("ok")) {
                    acked.add(seq);
                } else {
                    refusals.add(r.getJSONObject("error").getString("code"));
                }
            }
            assertThat(refusals).as("while Redis is down the sender is told").containsOnly("cluster_unavailable").isNotEmpty();

            redis.startProcess();
            long t0 = System.nanoTime();
            long recoveredAt = 0;
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                JSONObject r = call(a, "signal", Map.of("room", "x-restart", "to", b.id(), "data", seq));
                if (r.getBoolean("ok")) {
                    acked.add(seq);
                    if (recoveredAt == 0) {
                        recoveredAt = System.nanoTime();
                    }
                } else {
                    refusals.add(r.getJSONObject("error").getString("code"));
                }
                seq++;
                if (recoveredAt != 0 && acked.size() >= 20) {
                    break;
                }
            }
            assertThat(recoveredAt).as("signaling recovered without restarting a node").isNotZero();
            System.out.printf("redis restart: signals acked after %d ms, %d refused meanwhile%n",
                    (recoveredAt - t0) / 1_000_000, refusals.size());
            assertThat(refusals).containsOnly("cluster_unavailable");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(received).as("every acked signal arrived").containsAll(acked));

            // membership was registered again: a newcomer on either node sees both, and the room broadcasts
            await().atMost(Duration.ofSeconds(10)).until(() -> health(node2).equals("reachable"));
            try (JavaSioClient c = mesh(node2)) {
                JSONObject jc = call(c, "join", Map.of("room", "x-restart"));
                assertThat(jc.getJSONArray("peers").length()).isEqualTo(2);
                JSONObject all = call(c, "signal", Map.of("room", "x-restart", "data", "hello"));
                assertThat(all.getBoolean("ok")).isTrue();
                assertThat(((JSONObject) skipTo(a, "peer-joined", 5).arg(0)).getString("id")).isEqualTo(c.id());
            }
        }
    }
}
