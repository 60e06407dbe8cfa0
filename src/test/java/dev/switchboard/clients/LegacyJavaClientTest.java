package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.ConformanceFixture;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.net.EventLoops;
import dev.switchboard.signaling.engineio.EngineServer;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.LegacySioClient;
import dev.switchboard.testing.TestServer;
import dev.switchboard.web.Route;
import dev.switchboard.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Java client of the Socket.IO 2.x era (io.socket:socket.io-client 1.0.2: Engine.IO v3,
 * Socket.IO protocol v4) as a black box, in-process: against the conformance fixture, a default server,
 * one with room tokens, one with {@code signaling.allow-eio3 = false}, and beside the 2.1.2 client.
 */
class LegacyJavaClientTest {
    static final String SECRET = "legacy-java-client-test-secret";
    static ConformanceFixture fixture;
    static String fixtureUrl;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ConformanceFixture();
        fixtureUrl = "http://127.0.0.1:" + fixture.start("127.0.0.1", TestServer.freePort()).getPort();
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        fixture.close();
        server.close();
    }

    static String[] transports(String mode) {
        return switch (mode) {
            case "polling" -> new String[] {"polling"};
            case "websocket" -> new String[] {"websocket"};
            default -> new String[] {"polling", "websocket"};
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void eventsAcksAndBinaryBothWays(String mode) throws Exception {
        try (LegacySioClient c = LegacySioClient.connect(fixtureUrl, transports(mode), "token=t-" + mode,
                "auth", "message-back")) {
            JSONObject auth = (JSONObject) c.next("auth").arg(0);
            assertThat(auth.toString()).as("the query stands in for auth").isEqualTo("{\"token\":\"t-" + mode + "\"}");

            c.emit("message", "text", 42, new JSONObject(Map.of("nested", new JSONArray(List.of(1, 2)))),
                    new byte[] {1, 2, 3});
            JavaSioClient.Event back = c.next("message-back");
            assertThat(back.arg(0)).isEqualTo("text");
            assertThat(back.arg(1)).isEqualTo(42);
            assertThat(((JSONObject) back.arg(2)).getJSONArray("nested").getInt(1)).isEqualTo(2);
            assertThat((byte[]) back.arg(3)).containsExactly(1, 2, 3);

            Object[] acked = c.ask("message-with-ack", "a", new byte[] {9, 8});
            assertThat(acked[0]).isEqualTo("a");
            assertThat((byte[]) acked[1]).containsExactly(9, 8);

            String text = "h\u00e9llo \ud83d\ude00";
            c.emit("message", text);
            assertThat(c.next("message-back").arg(0)).isEqualTo(text);

            if (mode.equals("upgrade")) {
                await().atMost(Duration.ofSeconds(5)).until(() -> fixture.transports().contains("websocket"));
                c.emit("message", "after upgrade", new byte[] {4});
                JavaSioClient.Event after = c.next("message-back");
                assertThat(after.arg(0)).isEqualTo("after upgrade");
                assertThat((byte[]) after.arg(1)).containsExactly(4);
            }
        }
    }

    @Test
    void theClientsPingsKeepTheSessionOpenPastTheServersTimeout() throws Exception {
        // Fixture: pingInterval 300 ms + pingTimeout 200 ms. A server waiting for pongs would end it.
        try (LegacySioClient c = LegacySioClient.connect(fixtureUrl, new String[] {"polling"}, null, "pong", "message-back")) {
            String id = c.id();
            for (int i = 0; i < 4; i++) {
                c.next("pong"); // the server's answer to the client's ping, about every 300 ms
            }
            assertThat(c.connected()).isTrue();
            assertThat(c.id()).isEqualTo(id);
            c.emit("message", "still here");
            assertThat(c.next("message-back").arg(0)).isEqualTo("still here");
        }
    }

    @Test
    void serverAsksForAnAcknowledgementWithBinaryAndGetsOneBack() throws Exception {
        SignalingConfig cfg = ConfigLoader.load(null, Map.of(), Map.of()).signaling();
        EngineServer engine = new EngineServer(cfg, "/socket.io/");
        SioServer sio = new SioServer(cfg);
        engine.listener(sio);
        CompletableFuture<ArrayNode> answer = new CompletableFuture<>();
        sio.namespace("/").onConnected(s -> s.emitWithAck("ask", answer::complete, "question", new byte[] {1, 2}));
        try (EventLoops loops = new EventLoops(1)) {
            WebServer web = new WebServer(loops, List.of(Route.on("*", "/socket.io/{rest...}").collect(cfg.maxPayload(), engine)));
            try {
                int port = web.start("127.0.0.1", 0).getPort();
                try (LegacySioClient c = LegacySioClient.connect("http://127.0.0.1:" + port, new String[] {"polling"}, null, "ask")) {
                    JavaSioClient.Event ask = c.next("ask");
                    assertThat(ask.arg(0)).isEqualTo("question");
                    assertThat((byte[]) ask.arg(1)).containsExactly(1, 2);
                    LegacySioClient.acknowledge(ask, "answer", new byte[] {3});
                    ArrayNode got = answer.get(5, TimeUnit.SECONDS);
                    assertThat(got.get(0).asText()).isEqualTo("answer");
                    assertThat(got.get(1).binaryValue()).containsExactly(3);
                }
            } finally {
                web.close();
            }
        }
    }

    @Test
    void customNamespaceAndUnknownNamespace() throws Exception {
        try (LegacySioClient c = LegacySioClient.connect(fixtureUrl + "/custom", new String[] {"websocket"}, "k=v", "auth")) {
            assertThat(((JSONObject) c.next("auth").arg(0)).getString("k")).isEqualTo("v");
        }
        assertThat(LegacySioClient.refusal(fixtureUrl + "/nope", new String[] {"websocket"}, null))
                .as("protocol v4 refuses with a plain string").isEqualTo("Invalid namespace");
    }

    @Test
    void codelabFlowWithTwoClientsAndAThirdToldTheRoomIsFull() throws Exception {
        String[] all = {"created", "joined", "join", "ready", "full", "message", "bye"};
        try (LegacySioClient a = LegacySioClient.connect(server.url(), new String[] {"polling", "websocket"}, null, all);
             LegacySioClient b = LegacySioClient.connect(server.url(), new String[] {"websocket"}, null, all);
             LegacySioClient c = LegacySioClient.connect(server.url(), new String[] {"polling"}, null, all)) {
            a.emit("create or join", "legacy-lab");
            assertThat(a.next("created").args()).containsExactly("legacy-lab", a.id());
            b.emit("create or join", "legacy-lab");
            assertThat(b.next("joined").args()).containsExactly("legacy-lab", b.id());
            assertThat(b.next("ready").args()).containsExactly("legacy-lab");
            assertThat(a.next("join").args()).containsExactly("legacy-lab");
            assertThat(a.next("ready").args()).containsExactly("legacy-lab");
            c.emit("create or join", "legacy-lab");
            assertThat(c.next("full").args()).containsExactly("legacy-lab");

            a.emit("message", new JSONObject(Map.of("type", "offer", "sdp", "v=0")));
            JSONObject offer = (JSONObject) b.next("message").arg(0);
            assertThat(offer.getString("type")).isEqualTo("offer");
            assertThat(offer.getString("sdp")).isEqualTo("v=0");
            b.emit("message", "answer", new byte[] {1, 2});
            JavaSioClient.Event answer = a.next("message");
            assertThat(answer.arg(0)).isEqualTo("answer");
            assertThat((byte[]) answer.arg(1)).containsExactly(1, 2);

            String bId = b.id();
            b.close();
            assertThat(a.next("bye").args()).containsExactly("legacy-lab", bId);
            assertThat(a.next("message").args()).containsExactly("bye");
            assertThat(c.poll(200)).as("the refused client heard nothing of the room").isNull();
        }
    }

    @Test
    void limitsAndOriginsApplyAsToCurrentClients() throws Exception {
        try (LegacySioClient a = LegacySioClient.connect(server.url(), new String[] {"websocket"}, null, "created", "error");
             LegacySioClient b = LegacySioClient.connect(server.url(), new String[] {"polling"}, null, "joined", "message")) {
            a.emit("create or join", "legacy-limits");
            a.next("created");
            b.emit("create or join", "legacy-limits");
            b.next("joined");
            a.emit("message", "x".repeat(70_000));
            JSONObject refused = (JSONObject) a.next("error").arg(0);
            assertThat(refused.getString("code")).isEqualTo("payload_too_large");
            assertThat(b.poll(200)).as("nothing relayed").isNull();
        }
        try (TestServer strict = TestServer.start(Map.of("signaling.allowed-origins", List.of("https://ok.example")))) {
            HttpClient http = HttpClient.newHttpClient();
            for (String origin : new String[] {"https://evil.example", "https://ok.example"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(strict.url() + "/socket.io/?EIO=3&transport=polling"))
                        .header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(origin).isEqualTo(origin.contains("evil") ? 403 : 200);
            }
        }
    }

    @Test
    void mixedRoomOfA1xAndA2xJavaClient() throws Exception {
        try (LegacySioClient old = LegacySioClient.connect(server.url(), new String[] {"polling", "websocket"}, null,
                "created", "ready", "message");
             JavaSioClient cur = JavaSioClient.connect(server.url(), "joined", "ready", "message")) {
            old.emit("create or join", "mixed-java");
            assertThat(old.next("created").args()).containsExactly("mixed-java", old.id());
            cur.socket.emit("create or join", "mixed-java");
            assertThat(cur.next("joined").args()).containsExactly("mixed-java", cur.id());
            assertThat(old.next("ready").args()).containsExactly("mixed-java");
            assertThat(cur.next("ready").args()).containsExactly("mixed-java");

            old.emit("message", "offer from 1.x", new byte[] {7});
            JavaSioClient.Event offer = cur.next("message");
            assertThat(offer.arg(0)).isEqualTo("offer from 1.x");
            assertThat((byte[]) offer.arg(1)).containsExactly(7);
            cur.socket.emit("message", "answer from 2.x", new byte[] {8});
            JavaSioClient.Event answer = old.next("message");
            assertThat(answer.arg(0)).isEqualTo("answer from 2.x");
            assertThat((byte[]) answer.arg(1)).containsExactly(8);
        }
    }

    @Test
    void roomTokenInTheQuery() throws Exception {
        try (TestServer secured = TestServer.start(Map.of("auth.secret", SECRET))) {
            assertThat(LegacySioClient.refusal(secured.url(), new String[] {"websocket"}, null))
                    .isEqualTo("a room token is required");
            String token = new RoomTokens(SECRET, Clock.systemUTC()).mint("team", "ada", RoomToken.Role.MEMBER,
                    Duration.ofMinutes(5));
            try (LegacySioClient c = LegacySioClient.connect(secured.url(), new String[] {"polling", "websocket"},
                    "token=" + token)) {
                JSONObject ok = (JSONObject) c.ask("join", new JSONObject(Map.of("room", "team")))[0];
                assertThat(ok.getBoolean("ok")).isTrue();
                assertThat(ok.getString("name")).isEqualTo("ada");
                JSONObject other = (JSONObject) c.ask("join", new JSONObject(Map.of("room", "elsewhere")))[0];
                assertThat(other.getJSONObject("error").getString("code")).isEqualTo("wrong_room");
            }
        }
    }

    @Test
    void allowEio3FalseRefusesTheHandshakeWithUnsupportedProtocolVersion() throws Exception {
        try (TestServer noEio3 = TestServer.start(Map.of("signaling.allow-eio3", false))) {
            assertThat(LegacySioClient.refusal(noEio3.url(), new String[] {"polling"}, null)).isNotNull();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(noEio3.url() + "/socket.io/?EIO=3&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(new ObjectMapper().readTree(r.body()).toString())
                    .isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
            try (JavaSioClient current = JavaSioClient.connect(noEio3.url(), "nothing")) {
                assertThat(current.id()).isNotNull();
            }
        }
    }
}
