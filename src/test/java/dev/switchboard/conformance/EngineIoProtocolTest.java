package dev.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.signaling.engineio.EngineSocket;
import dev.switchboard.testing.RawWebSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO v4 as the official protocol test suite checks it (handshake, heartbeat, close, upgrade,
 * messages), against the conformance fixture, plus the error cases of the spec.
 */
class EngineIoProtocolTest {
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

    @Test
    void pollingHandshakeOpensASessionWithTheConfiguredTimings() throws Exception {
        HttpResponse<String> r = server.get("EIO=4&transport=polling");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("0");
        JsonNode open = JSON.readTree(r.body().substring(1));
        assertThat(open.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
        assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
        assertThat(open.get("pingInterval").asInt()).isEqualTo(300);
        assertThat(open.get("pingTimeout").asInt()).isEqualTo(200);
        assertThat(open.get("maxPayload").asInt()).isEqualTo(1_000_000);
    }

    @Test
    void missingOrUnsupportedEioIsBadRequestWithCode5() throws Exception {
        for (String q : new String[] {"transport=polling", "EIO=abc&transport=polling", "EIO=2&transport=polling",
                "EIO=5&transport=polling"}) {
            HttpResponse<String> r = server.get(q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("code").asInt()).isEqualTo(5);
            assertThat(JSON.readTree(r.body()).get("message").asText()).isEqualTo("Unsupported protocol version");
        }
    }

    @Test
    void missingOrUnknownTransportIsBadRequestWithCode0() throws Exception {
        for (String q : new String[] {"EIO=4", "EIO=4&transport=abc"}) {
            HttpResponse<String> r = server.get(q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("code").asInt()).isEqualTo(0);
        }
    }

    @Test
    void handshakeMustBeAGet() throws Exception {
        for (String method : new String[] {"POST", "PUT"}) {
            HttpResponse<String> r = server.send(method, "EIO=4&transport=polling", "");
            assertThat(r.statusCode()).as(method).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("code").asInt()).isEqualTo(2);
        }
    }

    @Test
    void unknownSessionIdIsBadRequestWithCode1() throws Exception {
        HttpResponse<String> r = server.get("EIO=4&transport=polling&sid=nope");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("code").asInt()).isEqualTo(1);
    }

    @Test
    void webSocketHandshakeOffersNoUpgrades() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"))) {
            String open = ws.nextText();
            assertThat(open).startsWith("0");
            JsonNode o = JSON.readTree(open.substring(1));
            assertThat(o.get("upgrades").size()).isZero();
            assertThat(o.get("maxPayload").asInt()).isEqualTo(1_000_000);
        }
    }

    @Test
    void webSocketWithBadEioOrTransportIsRefused() {
        for (String q : new String[] {"transport=websocket", "EIO=abc&transport=websocket", "EIO=4", "EIO=4&transport=abc"}) {
            assertThatThrownBy(() -> RawWebSocket.connect(server.wsUrl(q))).as(q).isNotNull();
        }
    }

    @Test
    void pollingHeartbeatIsServerPingClientPong() throws Exception {
        String sid = server.openPolling();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> poll = server.get("EIO=4&transport=polling&sid=" + sid);
            assertThat(poll.statusCode()).isEqualTo(200);
            assertThat(poll.body()).isEqualTo("2");
            HttpResponse<String> push = server.send("POST", "EIO=4&transport=polling&sid=" + sid, "3");
            assertThat(push.statusCode()).isEqualTo(200);
            assertThat(push.body()).isEqualTo("ok");
        }
    }

    @Test
    void pollingSessionClosesOnPingTimeout() throws Exception {
        String sid = server.openPolling();
        Thread.sleep(300 + 200 + 150);
        assertThat(server.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void webSocketHeartbeatAndTimeout() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"))) {
            ws.nextText();
            ws.send("40"); // join a namespace so the connect timeout does not end the session
            int pings = 0;
            while (pings < 4) {
                Object m = ws.next(false);
                if ("2".equals(m)) {
                    pings++;
                    ws.send("3");
                }
            }
            assertThat(ws.isClosed()).as("alive while it answers pings").isFalse();
            assertThat(ws.next(false)).isEqualTo("2");
            assertThat(ws.awaitClose(Duration.ofSeconds(2))).as("closed after the missed pong").isTrue();
        }
    }

    @Test
    void aPollServedJustAfterTheClientsCloseGetsTheNoopItWouldHaveGotFirst() throws Exception {
        // The official suite sends a poll and the close at once on two connections; here the close wins.
        String sid = server.openPolling();
        assertThat(server.send("POST", "EIO=4&transport=polling&sid=" + sid, "1").statusCode()).isEqualTo(200);
        HttpResponse<String> late = server.get("EIO=4&transport=polling&sid=" + sid);
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(late.body()).isEqualTo("6");
        assertThat(server.get("EIO=4&transport=polling&sid=" + sid).statusCode()).as("then the session is gone")
                .isEqualTo(400);
    }

    @Test
    void aPreflightIsToldTheReferenceServersMethodsSoABrowserSendsThePutThatIsRefused() throws Exception {
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://page.test")
                .header("Access-Control-Request-Method", "PUT").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("access-control-allow-methods")).hasValue("GET,HEAD,PUT,PATCH,POST,DELETE");
        assertThat(server.send("PUT", "EIO=4&transport=polling", "").statusCode()).isEqualTo(400);
    }

    @Test
    void clientCloseReleasesTheHeldPollWithNoop() throws Exception {
        String sid = server.openPolling();
        CompletableFuture<HttpResponse<String>> held = server.http.sendAsync(
                HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling&sid=" + sid))).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);
        assertThat(server.send("POST", "EIO=4&transport=polling&sid=" + sid, "1").statusCode()).isEqualTo(200);
        HttpResponse<String> r = held.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("6");
        assertThat(server.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void webSocketClosePacketEndsTheSession() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"))) {
            ws.nextText();
            ws.send("1");
            assertThat(ws.awaitClose(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void upgradeFromPollingToWebSocket() throws Exception {
        String sid = server.openPolling();
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid))) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            ws.send("5");
            ws.send("40");
            assertThat(ws.nextText()).startsWith("40{\"sid\":");
            assertThat(ws.nextText()).isEqualTo("42[\"auth\",{}]");
            // polling on the same sid is refused after the upgrade
            assertThat(server.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
            // a second WebSocket completes its handshake (as the reference server's does) and is closed at
            // once; the upgraded session goes on
            try (RawWebSocket again = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid))) {
                assertThat(again.awaitClose(Duration.ofSeconds(2)))
                        .as("a second WebSocket on an upgraded session is closed").isTrue();
            }
            ws.send("42[\"message\",\"still here\"]");
            assertThat(ws.next(true)).isEqualTo("42[\"message-back\",\"still here\"]");
        }
    }

    @Test
    void aPollThatTheUpgradeOvertakesIsRefusedLikeAnyLaterPoll() throws Exception {
        // The official suite sends the upgrade on the WebSocket, then a poll on another connection; the
        // poll may be served first (another event loop). It waits out the upgrade grace, and is refused.
        String sid = server.openPolling();
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid))) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            CompletableFuture<HttpResponse<String>> poll = server.http.sendAsync(
                    HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling&sid=" + sid))).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(EngineSocket.UPGRADE_GRACE_MS / 5);
            ws.send("5");
            assertThat(poll.get().statusCode()).isEqualTo(400);
            ws.send("40");
            assertThat(ws.nextText()).startsWith("40{\"sid\":");
        }
    }

    @Test
    void aPollMetDuringAnUpgradeIsReleasedWithNoopAfterTheGraceWhenNoUpgradeFollows() throws Exception {
        String sid = server.openPolling();
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid))) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            long start = System.nanoTime();
            HttpResponse<String> poll = server.get("EIO=4&transport=polling&sid=" + sid);
            assertThat(poll.statusCode()).isEqualTo(200);
            assertThat(poll.body()).isIn("6", "2", "2\u001e6");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(
                    TimeUnit.MILLISECONDS.toNanos(EngineSocket.UPGRADE_GRACE_MS));
        }
    }

    @Test
    void probeReleasesTheHeldPollAndPacketsWaitingAreDeliveredAfterUpgrade() throws Exception {
        String sid = server.openPolling();
        CompletableFuture<HttpResponse<String>> held = server.http.sendAsync(
                HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling&sid=" + sid))).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(50);
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid))) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            String released = held.get().body();
            assertThat(released).isIn("6", "2", "2\u001e6");
            // a packet sent by polling before the upgrade completes is answered over the WebSocket
            assertThat(server.send("POST", "EIO=4&transport=polling&sid=" + sid, "40").statusCode()).isEqualTo(200);
            ws.send("5");
            assertThat(ws.nextText()).startsWith("40{\"sid\":");
        }
    }

    @Test
    void pollingCarriesTextAndBinaryMessages() throws Exception {
        String sid = server.openPolling();
        String q = "EIO=4&transport=polling&sid=" + sid;
        assertThat(server.send("POST", q, "40").body()).isEqualTo("ok");
        String reply = server.get(q).body();
        assertThat(reply).matches("40\\{\"sid\":\"[^\"]+\"\\}\u001e42\\[\"auth\",\\{\\}\\]");
        assertThat(server.send("POST", q,
                "451-[\"message\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID").body()).isEqualTo("ok");
        assertThat(server.get(q).body())
                .isEqualTo("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID");
    }

    @Test
    void overlappingPollsEndTheSession() throws Exception {
        String sid = server.openPolling();
        String q = "EIO=4&transport=polling&sid=" + sid;
        CompletableFuture<HttpResponse<String>> first = server.http.sendAsync(
                HttpRequest.newBuilder(URI.create(server.url(q))).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);
        assertThat(server.get(q).statusCode()).isEqualTo(400);
        assertThat(first.get().body()).isEqualTo("1");
        assertThat(server.get(q).statusCode()).isEqualTo(400);
    }

    @Test
    void payloadOverMaxPayloadIsRefused() throws Exception {
        String sid = server.openPolling();
        HttpResponse<String> r = server.send("POST", "EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(1_000_001));
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void malformedPollingPayloadIsRefusedAndEndsTheSession() throws Exception {
        String sid = server.openPolling();
        String q = "EIO=4&transport=polling&sid=" + sid;
        assertThat(server.send("POST", q, "9nonsense").statusCode()).isEqualTo(400);
        assertThat(server.get(q).statusCode()).isEqualTo(400);
    }

    @Test
    void malformedWebSocketPacketClosesTheConnection() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"))) {
            ws.nextText();
            ws.send("9");
            assertThat(ws.awaitClose(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void corsPreflightEchoesTheOriginWithoutCredentialsUnlessTheOriginIsListedByName() throws Exception {
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
        // the fixture allows any origin ("*"): credentials go only to origins listed by name (docs/security.md)
        assertThat(r.headers().firstValue("access-control-allow-credentials")).isEmpty();
    }
}
