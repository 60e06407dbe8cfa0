package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.media.ServerChild;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rules of taking a session over from another node, on the wire (Engine.IO long-polling, one
 * request at a time, so every step is explicit): three nodes on one Redis, a session opened on node A,
 * its client coming back to another node with its {@code pid}.
 */
@Tag("external")
class SessionTakeoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private ClusterProcesses cluster;
    private List<ServerChild> nodes;

    @BeforeEach
    void start() throws Exception {
        String why = ClusterProcesses.unavailable(false);
        assumeTrue(why == null, why);
        cluster = ClusterProcesses.start(3, Duration.ofMillis(500), Duration.ofSeconds(10), null, false);
        nodes = cluster.nodes;
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A long-polling Engine.IO session on one node. */
    private final class Polling {
        final String base;
        final String sid;

        Polling(ServerChild node) throws Exception {
            String open = get(node.url() + "/socket.io/?EIO=4&transport=polling");
            this.sid = JSON.readTree(open.substring(1)).get("sid").asText();
            this.base = node.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        }

        void post(String packet) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base))
                    .POST(HttpRequest.BodyPublishers.ofString(packet)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("POST %s", packet).isEqualTo(200);
        }

        /** The packets of the next poll. */
        List<String> poll() throws Exception {
            return List.of(get(base).split("\u001e"));
        }

        /** Polls until a packet contains {@code text}; the packets seen. */
        String until(String text) throws Exception {
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                for (String p : poll()) {
                    seen.append(p).append(' ');
                    if (p.contains(text)) {
                        return seen.toString();
                    }
                }
            }
            throw new AssertionError("no packet with " + text + " in " + seen);
        }

        /** Connects to the main namespace (with {@code auth}, may be null) and answers the CONNECT reply. */
        JsonNode connect(String auth) throws Exception {
            post(auth == null ? "40" : "40" + auth);
            for (int i = 0; i < 20; i++) {
                for (String p : poll()) {
                    if (p.startsWith("40")) {
                        return JSON.readTree(p.substring(2));
                    }
                }
            }
            throw new AssertionError("no CONNECT answer");
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }

    private static String resume(JsonNode connected) {
        return "{\"pid\":\"" + connected.get("pid").asText() + "\"}";
    }

    @Test
    void aSessionWhoseNodeIsAliveIsNotTakenOverElsewhere() throws Exception {
        Polling onA = new Polling(nodes.get(0));
        JsonNode first = onA.connect(null);
        assertThat(first.get("pid").asText()).as("recoverable").isNotEmpty();

        JsonNode onB = new Polling(nodes.get(1)).connect(resume(first));

        assertThat(onB.get("sid").asText()).as("node A still holds it: a new session on B")
                .isNotEqualTo(first.get("sid").asText());
        assertThat(onB.get("pid").asText()).isNotEqualTo(first.get("pid").asText());
    }

    @Test
    void aDeadNodesSessionIsTakenOverWithItsIdAndOnlyOnceAndOnlyWithItsPid() throws Exception {
        Polling onA = new Polling(nodes.get(0));
        JsonNode first = onA.connect(null);
        onA.post("42[\"create or join\",\"takeover-room\"]");
        onA.until("created");
        nodes.get(0).kill();
        // Redis drops the dead node's connections (and its subscription to its own channel) when the
        // kernel closes them.
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeChannels() == 2);

        // Its id with another secret is nobody's session, and takes nothing away.
        String sid = first.get("sid").asText();
        JsonNode forged = new Polling(nodes.get(1)).connect("{\"pid\":\"" + sid + ".forged\"}");
        assertThat(forged.get("sid").asText()).as("a forged pid gets a new session").isNotEqualTo(sid);

        // The same pid at once on two nodes: one of them has it.
        Polling onB = new Polling(nodes.get(1));
        Polling onC = new Polling(nodes.get(2));
        CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> connectQuietly(onB, resume(first)));
        CompletableFuture<JsonNode> c = CompletableFuture.supplyAsync(() -> connectQuietly(onC, resume(first)));
        List<String> sids = List.of(b.get().get("sid").asText(), c.get().get("sid").asText());

        assertThat(sids).as("taken over by exactly one node, with its id").containsOnlyOnce(first.get("sid").asText());
        Polling winner = sids.get(0).equals(first.get("sid").asText()) ? onB : onC;
        JsonNode recovered = sids.get(0).equals(first.get("sid").asText()) ? b.get() : c.get();
        assertThat(recovered.get("pid").asText()).isEqualTo(first.get("pid").asText());

        // Still in its room there: a second peer joining hears it is not alone.
        Polling other = new Polling(nodes.get(winner == onB ? 2 : 1));
        other.connect(null);
        other.post("42[\"create or join\",\"takeover-room\"]");
        other.until("\"joined\"");
    }

    /** The nodes subscribed to their own channel now. */
    private int nodeChannels() throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(cluster.redis().port()), "PUBSUB", "SHARDCHANNELS", "*{n:*")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    private JsonNode connectQuietly(Polling p, String auth) {
        try {
            return p.connect(auth);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
