package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.media.PostgresServer;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes on one Redis, one PostgreSQL and one media folder, and the real web app in Chromium: two
 * pages of one room, each served by a different node, share a photo over their data channel, and the
 * server copy one of them uploads is listed and served by all three nodes and shown in both galleries.
 */
@Tag("browser")
@Tag("external")
@Timeout(180)
class ClusterPhotoBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.chromiumOnly().camera(320, 240, 3).rooms("cluster");
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static PostgresServer pg;
    static RedisServer redis;
    static Path mediaDir;
    static final List<TestServer> nodes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        String why = RedisServer.unavailable();
        assumeTrue(why == null, why);
        pg = PostgresServer.start();
        redis = RedisServer.start();
        mediaDir = Files.createTempDirectory("switchboard-cluster-media");
        for (int i = 0; i < 3; i++) {
            nodes.add(TestServer.start(Map.of("cluster.redis-url", redis.url(), "cluster.key-prefix", "photo:",
                    "storage.database-url", pg.url(), "storage.media-dir", mediaDir.toString(),
                    "storage.min-free-bytes", 0)));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer node : nodes) {
            node.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {redis, pg}) {
            if (c != null) {
                c.close();
            }
        }
        if (mediaDir != null) {
            TestServer.deleteTree(mediaDir);
        }
    }

    static JsonNode photos(TestServer node, String room) throws Exception {
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/api/rooms/" + room + "/photos"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    static byte[] media(TestServer node, String id) throws Exception {
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/api/media/" + id))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    @Test
    void twoPagesOnDifferentNodesShareAPhotoAndEveryNodeListsTheServerCopy() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = RoomPage.open(web.browser(), nodes.get(0).url(), room, null);
             RoomPage b = RoomPage.open(web.browser(), nodes.get(1).url(), room, null)) {
            a.waitConnectedTo(1);
            String sha = a.snap();
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(b.received(0).getAttribute("data-path")).as("over the data channel, not the server")
                    .isNotEqualTo("server");
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> nodes.stream().allMatch(n -> uncheckedSize(n, room) == 1));
            for (TestServer node : nodes) {
                JsonNode item = photos(node, room).get(0);
                assertThat(item.path("sha256").asText()).isEqualTo(sha);
                assertThat(RoomPage.sha256(media(node, item.path("id").asText()))).isEqualTo(sha);
            }
            for (RoomPage p : List.of(a, b)) {
                p.page.waitForFunction("sha => document.querySelector('[data-testid=gallery-item]')"
                        + "?.getAttribute('data-sha256') === sha", sha);
            }
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }

    private static int uncheckedSize(TestServer node, String room) {
        try {
            return photos(node, room).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
