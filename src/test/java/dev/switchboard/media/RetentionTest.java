package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** retention.max-age and retention.room-quota-bytes, applied by the periodic sweep on a real server. */
class RetentionTest {
    final HttpClient http = HttpClient.newHttpClient();

    static byte[] jpeg(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        return b;
    }

    JSONObject upload(TestServer s, String room, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/rooms/" + room + "/photos"))
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return new JSONObject(r.body());
    }

    JSONArray list(TestServer s, String room) throws Exception {
        return new JSONArray(http.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/rooms/" + room + "/photos")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void mediaOlderThanTheMaximumAgeIsDeletedWithItsFile() throws Exception {
        try (TestServer s = TestServer.start(Map.of("retention.max-age", "1s", "retention.interval", "200ms"))) {
            JSONObject photo = upload(s, "old", jpeg(10_000, 1));
            assertThat(s.server().media().contentPath(photo.getString("sha256"))).exists();
            await().atMost(Duration.ofSeconds(10)).until(() -> list(s, "old").length() == 0
                    && !java.nio.file.Files.exists(s.server().media().contentPath(photo.getString("sha256"))));
        }
    }

    @Test
    void filesForPeersWithoutADirectPathExpireWhilePhotosStay() throws Exception {
        try (TestServer s = TestServer.start(Map.of("retention.file-max-age", "1s", "retention.interval", "200ms"))) {
            JSONObject photo = upload(s, "mixed", jpeg(10_000, 5));
            byte[] bytes = jpeg(20_000, 6);
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/rooms/mixed/files"))
                    .header("X-Content-SHA256", sha).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
            String file = new JSONObject(r.body()).getString("id");
            // The row goes first (durably), then the file (see docs/media-api.md, "Commit protocol").
            await().atMost(Duration.ofSeconds(10)).until(() -> s.server().media().find(MediaId.parse(file)).isEmpty()
                    && !java.nio.file.Files.exists(s.server().media().contentPath(sha)));
            assertThat(list(s, "mixed").length()).as("the photo stays").isEqualTo(1);
            assertThat(s.server().media().contentPath(photo.getString("sha256"))).exists();
        }
    }

    @Test
    void aRoomOverItsQuotaLosesItsOldestMediaFirst() throws Exception {
        try (TestServer s = TestServer.start(Map.of("retention.room-quota-bytes", 25_000, "retention.interval", "200ms"))) {
            JSONObject first = upload(s, "full", jpeg(10_000, 1));
            upload(s, "full", jpeg(10_000, 2));
            upload(s, "full", jpeg(10_000, 3));
            upload(s, "other", jpeg(10_000, 4));
            await().atMost(Duration.ofSeconds(10)).until(() -> list(s, "full").length() == 2);
            assertThat(list(s, "full").toString()).doesNotContain(first.getString("id"));
            // Sweep after sweep (every 200 ms), the room stays as it is now within its quota.
            await("within quota now: nothing more goes").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> list(s, "full").length() == 2);
            assertThat(list(s, "other").length()).as("other rooms are untouched").isEqualTo(1);
        }
    }
}
