package dev.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.RawWebSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO v3 and Socket.IO protocol v4 (the Socket.IO 2.x clients) on the wire, against the conformance
 * fixture (pingInterval 300 ms, pingTimeout 200 ms): handshake, implicit main-namespace CONNECT, payload
 * forms, binary, heartbeat direction, upgrade, and the refusals.
 */
class EngineIoV3ProtocolTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static FixtureServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new FixtureServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Opens a v3 long-polling session (with extra query) and returns its sid. */
    static String open(String extra) throws Exception {
        HttpResponse<String> r = server.get("EIO=3&transport=polling" + extra);
        assertThat(r.statusCode()).isEqualTo(200);
        int colon = r.body().indexOf(':');
        String packet = r.body().substring(colon + 1);
        assertThat(Integer.parseInt(r.body().substring(0, colon))).isEqualTo(packet.length());
        return JSON.readTree(packet.substring(1)).get("sid").asText();
    }

    /** A v3 text payload: each packet's length and a colon before it. */
    static String payload(String... packets) {
        StringBuilder sb = new StringBuilder();
        for (String p : packets) {
            sb.append(p.length()).append(':').append(p);
        }
        return sb.toString();
    }

    /** v3 binary payload entries: kind (0 text, 1 binary), the length's digits as bytes, 255, the data. */
    static byte[] binaryPayload(Object... packets) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : packets) {
            byte[] data = p instanceof String t ? t.getBytes(StandardCharsets.UTF_8) : (byte[]) p;
            out.write(p instanceof String ? 0 : 1);
            for (char d : String.valueOf(data.length).toCharArray()) {
                out.write(d - '0');
            }
            out.write(255);
            out.writeBytes(data);
        }
        return out.toByteArray();
    }

    static HttpResponse<byte[]> getBytes(String query) throws Exception {
        return server.http.send(HttpRequest.newBuilder(URI.create(server.url(query))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> post(String query, byte[] body) throws Exception {
        return server.http.send(HttpRequest.newBuilder(URI.create(server.url(query))).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void handshakeIsLengthPrefixedWithoutMaxPayloadAndTheMainNamespaceIsJoinedAtOnce() throws Exception {
        HttpResponse<String> r = server.get("EIO=3&transport=polling&token=abc&t=N1x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).matches("\\d+:0\\{.*\\}");
        JsonNode open = JSON.readTree(r.body().substring(r.body().indexOf(':') + 2));
        assertThat(open.fieldNames()).toIterable().containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout");
        assertThat(open.get("pingInterval").asInt()).isEqualTo(300);
        String sid = open.get("sid").asText();
        // Without any CONNECT from the client: "0" for "/", then the fixture's auth event with the query.
        assertThat(server.get("EIO=3&transport=polling&sid=" + sid).body())
                .isEqualTo(payload("40", "42[\"auth\",{\"token\":\"abc\"}]"));
    }

    @Test
    void textPayloadsBothWaysAndBinaryAsBase64ForB64Clients() throws Exception {
        String sid = open("&b64=1");
        String q = "EIO=3&transport=polling&sid=" + sid;
        assertThat(server.get(q).body()).startsWith("2:40");
        String body = payload("451-[\"message\",{\"_placeholder\":true,\"num\":0}]", "b4AQID");
        assertThat(body).startsWith("45:451-");
        assertThat(server.send("POST", q, body).body()).isEqualTo("ok");
        assertThat(server.get(q).body()).isEqualTo(payload("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "b4AQID"));
    }

    @Test
    void binaryPayloadsBothWaysForXhrClients() throws Exception {
        String sid = open("");
        String q = "EIO=3&transport=polling&sid=" + sid;
        server.get(q);
        byte[] body = binaryPayload("451-[\"message\",{\"_placeholder\":true,\"num\":0}]", new byte[] {4, 1, 2, 3});
        assertThat(java.util.Arrays.copyOf(body, 4)).as("45 bytes of text first").containsExactly(0, 4, 5, 255);
        assertThat(post(q, body).body()).isEqualTo("ok");
        HttpResponse<byte[]> back = getBytes(q);
        assertThat(back.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(back.body()).containsExactly(
                binaryPayload("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", new byte[] {4, 1, 2, 3}));
    }

    @Test
    void malformedPayloadIsBadRequestAndEndsTheSession() throws Exception {
        String sid = open("");
        String q = "EIO=3&transport=polling&sid=" + sid;
        HttpResponse<String> r = server.send("POST", q, "9:4short");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("code").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(2)).until(() -> server.get(q).statusCode() == 400);
        assertThat(JSON.readTree(server.get(q).body()).get("code").asInt()).as("unknown sid").isEqualTo(1);
    }

    @Test
    void theClientPingsAndASilentSessionEndsAfterIntervalPlusTimeout() throws Exception {
        String sid = open("");
        String q = "EIO=3&transport=polling&sid=" + sid;
        server.get(q);
        assertThat(server.send("POST", q, "1:2").body()).isEqualTo("ok");
        assertThat(server.get(q).body()).isEqualTo("1:3");
        // No more pings: the fixture's 300 + 200 ms pass and the session is gone, its held poll told so.
        HttpResponse<String> held = server.get(q);
        assertThat(held.body()).isEqualTo("1:1");
        assertThat(server.get(q).statusCode()).isEqualTo(400);
    }

    @Test
    void upgradeToWebSocketWithProbe() throws Exception {
        String sid = open("");
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=3&transport=websocket&sid=" + sid))) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            ws.send("5");
            // The CONNECT and auth event queued for polling come over the WebSocket.
            assertThat(ws.nextText()).isEqualTo("40");
            assertThat(ws.nextText()).isEqualTo("42[\"auth\",{}]");
            ws.send("2");
            assertThat(ws.nextText()).isEqualTo("3");
            ws.send("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
            ws.send(new byte[] {4, 7, 7});
            assertThat(ws.nextText()).isEqualTo("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]");
            assertThat((byte[]) ws.next(false)).containsExactly(4, 7, 7);
            assertThat(server.get("EIO=3&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void webSocketOnlySessionAndNamespaceErrorsAsPlainStrings() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=3&transport=websocket"))) {
            JsonNode open = JSON.readTree(ws.nextText().substring(1));
            assertThat(open.get("upgrades").size()).isZero();
            assertThat(ws.nextText()).isEqualTo("40");
            assertThat(ws.nextText()).isEqualTo("42[\"auth\",{}]");
            ws.send("40/custom?k=v,");
            assertThat(ws.nextText()).isEqualTo("40/custom,");
            assertThat(ws.nextText()).isEqualTo("42/custom,[\"auth\",{\"k\":\"v\"}]");
            ws.send("40/nope,");
            assertThat(ws.nextText()).isEqualTo("44/nope,\"Invalid namespace\"");
            ws.send("42/custom,1[\"message-with-ack\",\"x\"]");
            assertThat(ws.nextText()).isEqualTo("43/custom,1[\"x\"]");
        }
    }

    @Test
    void jsonpAndMismatchedVersionsAreRefused() throws Exception {
        HttpResponse<String> jsonp = server.get("EIO=3&transport=polling&j=0");
        assertThat(jsonp.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(jsonp.body()).toString()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
        String sid = open("");
        assertThat(server.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        String v4 = server.openPolling();
        assertThat(server.get("EIO=3&transport=polling&sid=" + v4).statusCode()).isEqualTo(400);
    }
}
