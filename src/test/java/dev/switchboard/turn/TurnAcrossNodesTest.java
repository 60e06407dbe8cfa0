package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing {@code turn.secret}, each with its own address: each node's {@code /api/ice-servers}
 * lists its own TURN server (its external address and port) plus the configured ones, and a credential
 * minted by either node relays through the other (coturn's turnutils_uclient to turnutils_peer).
 */
@Tag("external")
class TurnAcrossNodesTest {
    static final String SECRET = "a-secret-shared-by-every-node";
    static final String OTHER = "stun:stun.example.org:3478";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static TestServer a;
    static TestServer b;
    static AutoCloseable peer;
    static int peerPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        a = node("127.0.0.1");
        b = node("127.0.0.2");
        peerPort = TestServer.freePort();
        peer = CoturnTools.peer(peerPort);
    }

    static TestServer node(String address) {
        return TestServer.start(Map.of("bind", address, "turn.secret", SECRET, "turn.external-address", address,
                "turn.allow-peers", List.of("127.0.0.1/32"), "ice.servers", List.of(OTHER)));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {peer, a, b}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void eachNodeListsItsOwnTurnServerPlusTheConfiguredOnes() throws Exception {
        assertThat(urls(iceServers(a, "127.0.0.1"))).contains("turn:127.0.0.1:" + a.turnPort() + "?transport=udp", OTHER)
                .noneMatch(u -> u.contains("127.0.0.2"));
        assertThat(urls(iceServers(b, "127.0.0.2"))).contains("turn:127.0.0.2:" + b.turnPort() + "?transport=udp", OTHER)
                .noneMatch(u -> u.contains("127.0.0.1"));
    }

    @Test
    void aCredentialMintedByOneNodeRelaysThroughTheOther() throws Exception {
        JsonNode fromA = turnEntry(iceServers(a, "127.0.0.1"));
        JsonNode fromB = turnEntry(iceServers(b, "127.0.0.2"));
        assertThat(relay(b, "127.0.0.2", fromA)).isEqualTo(100);
        assertThat(relay(a, "127.0.0.1", fromB)).isEqualTo(100);
    }

    @Test
    void aCredentialFromAnotherSecretIsRefused() throws Exception {
        TestServer stranger = TestServer.start(Map.of("turn.secret", "another-secret-not-shared-here"));
        try {
            JsonNode fromStranger = turnEntry(iceServers(stranger, "127.0.0.1"));
            assertThat(relay(a, "127.0.0.1", fromStranger)).as("echoes through a node that never minted it").isZero();
        } finally {
            stranger.close();
        }
    }

    /** Relays 2 clients × 50 messages through {@code node} with the entry's credential; returns how many came back. */
    static long relay(TestServer node, String address, JsonNode entry) throws Exception {
        List<String> args = new ArrayList<>(List.of("-p", Integer.toString(node.turnPort()), "-e", "127.0.0.1",
                "-r", Integer.toString(peerPort), "-l", "171", "-u", entry.get("username").asText(),
                "-w", entry.get("credential").asText(), "-n", "50", "-m", "2", address));
        String out = CoturnTools.run(60, "turnutils_uclient", args.toArray(String[]::new));
        return Math.max(0, CoturnTools.totals(out).received());
    }

    static JsonNode iceServers(TestServer node, String address) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://" + address + ":" + node.httpPort() + "/api/ice-servers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static List<String> urls(JsonNode answer) {
        List<String> urls = new ArrayList<>();
        for (JsonNode server : answer.get("iceServers")) {
            JsonNode u = server.get("urls");
            if (u.isArray()) {
                u.forEach(x -> urls.add(x.asText()));
            } else {
                urls.add(u.asText());
            }
        }
        return urls;
    }

    static JsonNode turnEntry(JsonNode answer) {
        for (JsonNode server : answer.get("iceServers")) {
            if (server.has("credential") && server.toString().contains("turn:")) {
                return server;
            }
        }
        throw new AssertionError("no TURN entry with a credential in " + answer);
    }
}
