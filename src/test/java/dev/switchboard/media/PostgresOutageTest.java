package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started under a running server (the real server as a child process, a real
 * PostgreSQL 15): uploads answer 503 with Retry-After while the database is down and /readyz says 503;
 * once it is back the server is ready again by itself and uploads work; nothing acknowledged is lost.
 */
@Tag("external")
class PostgresOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path work;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void uploadsAnswer503WhilePostgresqlIsDownAndWorkAfterwardsWithNothingLost() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            Path dataDir = Files.createDirectories(work.resolve("data"));
            Map<String, String> settings = Map.of("SWITCHBOARD_STORAGE_DATABASE_URL", pg.url(),
                    "SWITCHBOARD_STORAGE_MIN_FREE_BYTES", "0");
            Map<String, String> acked = new LinkedHashMap<>();
            ServerChild server = ServerChild.start(ServerChild.with(List.of()), dataDir, TestServer.freePort(), settings,
                    work.resolve("server.log"));
            try {
                String base = server.url();
                for (int i = 0; i < 5; i++) {
                    put(base, acked, upload(base, i), 201);
                }
                pg.stopServer();
                for (int i = 10; i < 13; i++) {
                    HttpResponse<byte[]> r = upload(base, i);
                    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(503);
                    assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("database_unavailable");
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                }
                assertThat(get(base + "/readyz").statusCode()).isEqualTo(503);
                pg.startServer();
                await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/readyz").statusCode() == 200);
                for (int i = 20; i < 25; i++) {
                    put(base, acked, upload(base, i), 201);
                }
                JsonNode list = JSON.readTree(get(base + "/api/rooms/pg/photos?limit=200").body());
                Map<String, String> listed = new LinkedHashMap<>();
                list.forEach(m -> listed.put(m.get("id").asText(), m.get("sha256").asText()));
                assertThat(listed).isEqualTo(acked);
                for (Map.Entry<String, String> e : listed.entrySet()) {
                    assertThat(CrashHarnessTest.sha256(get(base + "/api/media/" + e.getKey()).body())).isEqualTo(e.getValue());
                }
                // The uploads refused during the outage left no file behind.
                assertThat(Reconciliation.contentDigests(dataDir.resolve("media")))
                        .containsExactlyInAnyOrderElementsOf(acked.values());
            } finally {
                server.close();
            }
        }
    }

    private void put(String base, Map<String, String> acked, HttpResponse<byte[]> r, int status) throws IOException {
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(status);
        JsonNode j = JSON.readTree(r.body());
        acked.put(j.get("id").asText(), j.get("sha256").asText());
    }

    private HttpResponse<byte[]> upload(String base, int seed) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/pg/photos"))
                .header("Content-Type", "image/jpeg").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.jpegLike(100_000, 31 + seed))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
