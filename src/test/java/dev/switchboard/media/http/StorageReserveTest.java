package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The free-space reserve (storage.min-free-bytes): with it above what the volume has free, every kind of
 * new upload answers 507 with a JSON body naming the reason and the free bytes, nothing partial is kept,
 * reads still answer, and /readyz says 503 with the storage state.
 */
class StorageReserveTest {
    @Test
    void belowTheReserveUploadsAnswer507ReadsWorkAndReadinessFails() throws Exception {
        try (TestServer s = TestServer.start(Map.of("storage.min-free-bytes", Long.MAX_VALUE / 2))) {
            Http http = new Http(s.url());
            assertThat(http.get("/readyz").statusCode()).as("ready until a write fails").isEqualTo(200);

            byte[] photo = TestImages.jpeg(64, 48, 1);
            HttpResponse<byte[]> r = http.send(http.request("/api/rooms/r/photos").header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build());
            assertThat(r.statusCode()).isEqualTo(507);
            JsonNode body = Http.json(r);
            assertThat(body.get("error").asText()).isEqualTo("reserve_reached");
            assertThat(body.get("reason").asText()).contains("storage.min-free-bytes");
            assertThat(body.get("freeBytes").asLong()).isPositive();

            HttpResponse<byte[]> file = http.send(http.request("/api/rooms/r/files")
                    .header("X-Content-SHA256", TestImages.sha256(photo))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build());
            assertThat(file.statusCode()).isEqualTo(507);
            HttpResponse<byte[]> rec = http.send(http.request("/api/rooms/r/recordings").header("Content-Type", "video/webm")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(rec.statusCode()).as(new String(rec.body(), StandardCharsets.UTF_8)).isEqualTo(507);

            HttpResponse<byte[]> share = ShareTargetApiTest.share(http, "multipart/form-data; boundary=b9",
                    ShareTargetApiTest.form("b9", Map.of("title", "t"), Map.of("a.bin", photo)));
            assertThat(share.statusCode()).as(new String(share.body(), StandardCharsets.UTF_8)).isEqualTo(507);
            try (Stream<java.nio.file.Path> inbox = Files.list(s.dataDir().resolve("media").resolve("inbox"))) {
                assertThat(inbox).as("no share kept").isEmpty();
            }

            assertThat(http.get("/api/rooms/r/photos").statusCode()).as("reads keep working").isEqualTo(200);
            HttpResponse<byte[]> ready = http.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode storage = Http.json(ready).get("storage");
            assertThat(storage.get("writable").asBoolean()).isFalse();
            assertThat(storage.get("failure").asText()).isEqualTo("reserve_reached");
            try (Stream<java.nio.file.Path> tmp = Files.list(s.server().media().temporaryFiles())) {
                assertThat(tmp).as("nothing partial kept").isEmpty();
            }
            // The probe retries every second and keeps failing while the reserve is not met.
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> http.get("/readyz").statusCode() == 503);
            assertThat(s.server().media().health().count(dev.switchboard.media.StorageFailure.RESERVE_REACHED))
                    .isGreaterThanOrEqualTo(3);
            String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("switchboard_media_storage_writable 0.0")
                    .containsPattern("switchboard_media_storage_failures_total\\{kind=\"reserve_reached\"\\} [1-9]")
                    .contains("switchboard_media_reconciled_orphan_files 0.0")
                    .contains("switchboard_media_reconciled_rows_without_file 0.0");
        }
    }
}
