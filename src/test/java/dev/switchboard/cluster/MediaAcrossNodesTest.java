package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.media.PostgresServer;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (in this JVM, each with its own data dir) on one real PostgreSQL, one real Redis and one
 * shared media folder: what is uploaded through one node is listed, served and deleted through the
 * other, media events reach room members on both, a resumable upload goes on across the nodes, and
 * PostgreSQL restarted under both nodes costs uploads a 503 while it is down and nothing after.
 */
@Tag("external")
class MediaAcrossNodesTest {
    static final String[] MESH = {"media-added", "media-removed", "peer-joined", "peer-left"};
    static PostgresServer pg;
    static RedisServer redis;
    static Path mediaDir;
    static TestServer a;
    static TestServer b;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        String why = RedisServer.unavailable();
        assumeTrue(why == null, why);
        pg = PostgresServer.start();
        redis = RedisServer.start();
        mediaDir = Files.createTempDirectory("switchboard-shared-media");
        a = node();
        b = node();
    }

    static TestServer node() {
        return TestServer.start(Map.of("cluster.redis-url", redis.url(), "cluster.key-prefix", "media:",
                "storage.database-url", pg.url(), "storage.media-dir", mediaDir.toString(),
                "storage.min-free-bytes", 0));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis, pg}) {
            if (c != null) {
                c.close();
            }
        }
        if (mediaDir != null) {
            TestServer.deleteTree(mediaDir);
        }
    }

    static HttpResponse<byte[]> send(String method, String url, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JSONObject json(HttpResponse<byte[]> r) throws Exception {
        return new JSONObject(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    static JavaSioClient member(TestServer node, String room, String name) throws Exception {
        JavaSioClient c = JavaSioClient.connect(node.url(), new String[] {"websocket"}, null, MESH);
        JSONObject ack = (JSONObject) c.call("join", new JSONObject(Map.of("room", room, "name", name)))[0];
        assertThat(ack.getBoolean("ok")).isTrue();
        return c;
    }

    @Test
    void photoUploadedOnOneNodeIsListedServedAndDeletedOnTheOther() throws Exception {
        try (JavaSioClient onA = member(a, "shared-room", "Ada"); JavaSioClient onB = member(b, "shared-room", "Bob")) {
            onA.next("peer-joined");
            byte[] photo = TestImages.jpeg(64, 48, 7);
            HttpResponse<byte[]> up = send("POST", a.url() + "/api/rooms/shared-room/photos", photo,
                    "Content-Type", "image/jpeg");
            assertThat(up.statusCode()).isEqualTo(201);
            String id = json(up).getString("id");

            JSONObject added = (JSONObject) onB.next("media-added").arg(0);
            assertThat(added.getString("id")).as("media-added reaches a member on the other node").isEqualTo(id);
            assertThat(((JSONObject) onA.next("media-added").arg(0)).getString("id")).isEqualTo(id);

            HttpResponse<byte[]> list = send("GET", b.url() + "/api/rooms/shared-room/photos", null);
            JSONArray photos = new JSONArray(new String(list.body(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(photos.length()).isEqualTo(1);
            assertThat(photos.getJSONObject(0).getString("id")).isEqualTo(id);
            HttpResponse<byte[]> got = send("GET", b.url() + "/api/media/" + id, null);
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(photo);
            assertThat(send("GET", b.url() + "/api/media/" + id + "/thumbnail", null).statusCode()).isEqualTo(200);

            assertThat(send("DELETE", b.url() + "/api/media/" + id, null).statusCode()).isEqualTo(204);
            JSONObject removed = (JSONObject) onA.next("media-removed").arg(0);
            assertThat(removed.getString("id")).as("media-removed reaches a member on the other node").isEqualTo(id);
            assertThat(send("GET", a.url() + "/api/media/" + id, null).statusCode()).isEqualTo(404);
            assertThat(Files.exists(a.server().media().contentPath(TestImages.sha256(photo)))).isFalse();
        }
    }

    @Test
    void whilePostgresqlIsDownEveryNodeAnswersUploads503AndAfterItsRestartUploadsWorkAndReachEveryNode()
            throws Exception {
        try (JavaSioClient onA = member(a, "outage-room", "Ada"); JavaSioClient onB = member(b, "outage-room", "Bob")) {
            onA.next("peer-joined");
            byte[] photo = TestImages.jpeg(64, 48, 11);
            pg.stopServer();
            try {
                for (TestServer node : new TestServer[] {a, b}) {
                    HttpResponse<byte[]> refused = send("POST", node.url() + "/api/rooms/outage-room/photos", photo,
                            "Content-Type", "image/jpeg");
                    assertThat(refused.statusCode()).as(new String(refused.body())).isEqualTo(503);
                }
                // Signaling lives in Redis: a third member still joins during the outage.
                try (JavaSioClient late = member(b, "outage-room", "Cy")) {
                    assertThat(onA.next("peer-joined").arg(0).toString()).contains("Cy");
                    assertThat(onB.next("peer-joined").arg(0).toString()).contains("Cy");
                }
                onA.next("peer-left");
                onB.next("peer-left");
            } finally {
                pg.startServer();
            }
            HttpResponse<byte[]> up = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> send("POST", a.url() + "/api/rooms/outage-room/photos", photo, "Content-Type",
                            "image/jpeg"), r -> r.statusCode() != 503);
            assertThat(up.statusCode()).as(new String(up.body())).isEqualTo(201);
            String id = json(up).getString("id");
            assertThat(((JSONObject) onB.next("media-added").arg(0)).getString("id")).isEqualTo(id);
            HttpResponse<byte[]> list = send("GET", b.url() + "/api/rooms/outage-room/photos", null);
            JSONArray photos = new JSONArray(new String(list.body(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(photos.length()).as("the refused uploads left nothing behind").isEqualTo(1);
            assertThat(send("GET", b.url() + "/api/media/" + id, null).body()).isEqualTo(photo);
        }
    }

    @Test
    void resumableUploadContinuesOnTheOtherNodeAndBack() throws Exception {
        byte[] file = new byte[3 * 100_000 + 1234];
        new Random(3).nextBytes(file);
        String sha = TestImages.sha256(file);
        HttpResponse<byte[]> created = send("POST", a.url() + "/api/rooms/shared-room/file-uploads", null,
                "Upload-Length", Integer.toString(file.length));
        assertThat(created.statusCode()).isEqualTo(201);
        String path = json(created).getString("url");

        assertThat(put(a, path, file, 0, 100_000).statusCode()).isEqualTo(200);
        // Node A is gone from the client's view: the next part goes to B, which does not hold the session.
        HttpResponse<byte[]> first = put(b, path, file, 100_000, 200_000);
        assertThat(first.statusCode()).as("a part for a session of another node: ask for the offset").isEqualTo(409);
        assertThat(json(first).getString("error")).isEqualTo("busy");
        HttpResponse<byte[]> head = send("GET", b.url() + path, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(json(head).getLong("offset")).as("B reads A's acknowledged offset").isEqualTo(100_000);
        assertThat(put(b, path, file, 100_000, 200_000).statusCode()).isEqualTo(200);

        // Back on A, whose copy of the session is stale now: refused, then read again.
        HttpResponse<byte[]> stale = put(a, path, file, 100_000, 200_000);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(send("GET", a.url() + path, null)).getLong("offset")).isEqualTo(200_000);
        HttpResponse<byte[]> last = put(a, path, file, 200_000, file.length);
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(json(last).getLong("offset")).isEqualTo(file.length);

        // Finished through B (stale again): it reads the session anew and commits every byte.
        HttpResponse<byte[]> done = send("POST", b.url() + path + "/finish",
                new JSONObject(Map.of("sha256", sha, "size", file.length)).toString().getBytes(),
                "Content-Type", "application/json");
        assertThat(done.statusCode()).as(new String(done.body())).isEqualTo(201);
        String id = json(done).getString("id");
        HttpResponse<byte[]> got = send("GET", a.url() + "/api/media/" + id, null);
        assertThat(got.body()).isEqualTo(file);
        assertThat(send("GET", a.url() + path, null).statusCode()).as("finished on B: gone on A").isEqualTo(404);
        try (var left = Files.list(a.server().media().uploadSessionFiles().resolve("files"))) {
            assertThat(left.toList()).as("no session files left").isEmpty();
        }
    }

    @Test
    void startingANodeLeavesAnotherNodesUploadInProgressAlone() throws Exception {
        HttpResponse<byte[]> created = send("POST", a.url() + "/api/rooms/shared-room/file-uploads", null);
        String path = json(created).getString("url");
        byte[] part = new byte[50_000];
        new Random(5).nextBytes(part);
        assertThat(put(a, path, part, 0, part.length).statusCode()).isEqualTo(200);
        Path temp = mediaDir.resolve("tmp").resolve("in-progress-elsewhere.part");
        Files.write(temp, part);
        try (TestServer c = node()) {
            assertThat(temp).as("a young temporary file may be another node's upload").exists();
            assertThat(json(send("GET", c.url() + path, null)).getLong("offset")).isEqualTo(part.length);
        }
        Files.delete(temp);
        assertThat(send("DELETE", a.url() + path, null).statusCode()).isEqualTo(204);
    }

    static HttpResponse<byte[]> put(TestServer node, String path, byte[] file, int from, int to) throws Exception {
        return send("PUT", node.url() + path + "?offset=" + from, Arrays.copyOfRange(file, from, to),
                "Content-Type", "application/octet-stream");
    }
}
