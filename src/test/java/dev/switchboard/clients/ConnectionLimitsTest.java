package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.TestServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-connection limits: message size, message rate, rooms per connection, and slow consumers. */
class ConnectionLimitsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "signaling.max-message-bytes", 1024,
                "signaling.messages-per-second", 5,
                "signaling.message-burst", 5,
                "signaling.rooms-per-connection", 2,
                "signaling.outbound-queue-bytes", 65536));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JavaSioClient client() {
        return JavaSioClient.connect(server.url(), new String[] {"websocket"}, null, "signal", "error", "message");
    }

    @Test
    void oversizedMessageIsRefusedAndNotRelayed() throws Exception {
        try (JavaSioClient a = client(); JavaSioClient b = client()) {
            a.call("join", new JSONObject(Map.of("room", "size")));
            b.call("join", new JSONObject(Map.of("room", "size")));
            JSONObject r = (JSONObject) a.call("signal", new JSONObject(Map.of("room", "size", "data", "x".repeat(2000))))[0];
            assertThat(r.getJSONObject("error").getString("code")).isEqualTo("payload_too_large");
            assertThat(((JSONObject) a.next("error").arg(0)).getString("code")).isEqualTo("payload_too_large");
            a.call("signal", new JSONObject(Map.of("room", "size", "data", "small")));
            assertThat(((JSONObject) b.next("signal").arg(0)).getString("data")).as("only the small one arrives")
                    .isEqualTo("small");
        }
    }

    @Test
    void messagesPastTheRateAreRefused() throws Exception {
        try (JavaSioClient a = client()) {
            // 12 requests in one burst (not waiting for each ack), so the bucket barely refills meanwhile
            List<java.util.concurrent.CompletableFuture<Object[]>> acks = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                java.util.concurrent.CompletableFuture<Object[]> f = new java.util.concurrent.CompletableFuture<>();
                a.socket.emit("join", new JSONObject(Map.of("room", "rate-0")), (io.socket.client.Ack) f::complete);
                acks.add(f);
            }
            int refused = 0;
            for (var f : acks) {
                JSONObject r = (JSONObject) f.get(5, java.util.concurrent.TimeUnit.SECONDS)[0];
                if (!r.optBoolean("ok") && r.getJSONObject("error").getString("code").equals("rate_limited")) {
                    refused++;
                }
            }
            assertThat(refused).as("a burst of 5 allowed, the rest refused").isBetween(5, 7);
            Thread.sleep(1100);
            JSONObject again = (JSONObject) a.call("signal", new JSONObject(Map.of("room", "rate-0", "data", "hello")))[0];
            assertThat(again.getBoolean("ok")).as("allowed again after a pause").isTrue();
        }
    }

    @Test
    void roomsPerConnectionAreCapped() throws Exception {
        try (JavaSioClient a = client()) {
            assertThat(((JSONObject) a.call("join", new JSONObject(Map.of("room", "r1")))[0]).getBoolean("ok")).isTrue();
            assertThat(((JSONObject) a.call("join", new JSONObject(Map.of("room", "r2")))[0]).getBoolean("ok")).isTrue();
            JSONObject third = (JSONObject) a.call("join", new JSONObject(Map.of("room", "r3")))[0];
            assertThat(third.getJSONObject("error").getString("code")).isEqualTo("too_many_rooms");
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAndOthersCarryOn() throws Exception {
        try (TestServer roomy = TestServer.start(Map.of(
                "signaling.max-message-bytes", 70_000,
                "signaling.messages-per-second", 100_000,
                "signaling.message-burst", 100_000,
                "signaling.outbound-queue-bytes", 65536));
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", roomy.httpPort()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2xvdy1yZWFkZXItMDAwMQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[512];
            int n = slow.getInputStream().read(head);
            assertThat(new String(head, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
            out.write(maskedTextFrame("40"));
            out.write(maskedTextFrame("420[\"join\",{\"room\":\"slow\"}]"));
            out.flush();
            // from here on the slow client reads nothing

            try (JavaSioClient fast = JavaSioClient.connect(roomy.url(), new String[] {"websocket"}, null, "error")) {
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(5)).until(() -> sessions(http, roomy) == 2);
                assertThat(((JSONObject) fast.call("join", new JSONObject(Map.of("room", "slow")))[0]).getJSONArray("peers")
                        .length()).as("the slow client is in the room").isEqualTo(1);
                String big = "y".repeat(60_000);
                for (int i = 0; i < 400 && sessions(http, roomy) == 2; i++) {
                    JSONObject signal = new JSONObject(Map.of("room", "slow", "data", big));
                    if (i % 20 == 19) {
                        // acknowledged: the server has taken every signal sent before it, so the fast client's
                        // own send queue stays small (it would otherwise hold megabytes the test then waits behind)
                        fast.call("signal", signal);
                    } else {
                        fast.socket.emit("signal", signal);
                    }
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> sessions(http, roomy) == 1);
                JSONObject still = (JSONObject) fast.call("signal", new JSONObject(Map.of("room", "slow", "data", "x")))[0];
                assertThat(still.getBoolean("ok")).as("the fast client carries on").isTrue();
            }
        }
    }

    private static int sessions(HttpClient http, TestServer s) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new JSONObject(body).getInt("sessions");
    }

    /** A client frame (FIN, text, masked with a zero key so the payload stays as is). */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(payload, 0, frame, 6, payload.length);
        return frame;
    }
}
