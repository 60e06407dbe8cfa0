package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A recording goes on while the server restarts under it: the page keeps recording, its part uploads
 * fail while the server is down, and once the server is back (same origin, same data folder) the page
 * resumes from the offset the restarted server restored, finalises the recording and its SHA-256 matches.
 */
@Tag("browser")
@Timeout(120)
class RecordingRestartBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.chromiumOnly().camera(320, 240, 3);
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<byte[]> get(TestServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aRecordingResumesAfterTheServerRestarts() throws Exception {
        int port = TestServer.freePort();
        TestServer first = TestServer.start(Map.of("http.port", port)).keepDataDir();
        TestServer second = null;
        String room = BrowserFixture.newRoom("restart");
        try (RoomPage p = RoomPage.open(web.browser(), first.url(), room, null)) {
            AtomicInteger failedPuts = new AtomicInteger();
            p.page.onRequestFailed(r -> {
                if (r.method().equals("PUT") && r.url().contains("/api/recordings/")) {
                    failedPuts.incrementAndGet();
                }
            });
            Page page = p.page;
            p.startRecording(4096);
            page.waitForTimeout(2_500);
            first.close();
            page.waitForTimeout(1_500); // parts fail while nothing listens
            second = TestServer.start(Map.of("http.port", port, "data-dir", first.dataDir().toString()))
                    .deleteDataDirOnClose();
            page.waitForTimeout(3_000);
            page.getByTestId("rec-stop").click();
            Locator done = page.locator("[data-testid=rec-status][data-state=done]");
            done.waitFor(new Locator.WaitForOptions().setTimeout(45_000));
            String id = done.getAttribute("data-media-id");
            assertThat(failedPuts.get()).as("parts sent while the server was down").isPositive();

            JsonNode items = JSON.readTree(get(second, "/api/rooms/" + room + "/media").body());
            assertThat(items).hasSize(1);
            JsonNode m = items.get(0);
            assertThat(m.get("id").asText()).isEqualTo(id);
            assertThat(m.get("kind").asText()).isEqualTo("recording");
            HttpResponse<byte[]> whole = get(second, "/api/media/" + id);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body().length).isEqualTo(m.get("size").asLong()).isGreaterThan(10_000);
            assertThat(RoomPage.sha256(whole.body())).as("the page's own SHA-256 of everything it recorded")
                    .isEqualTo(m.get("sha256").asText());
            Object playable = page.evaluate("async () => { const v = document.createElement('video');"
                    + " v.muted = true; v.src = '/api/media/" + id + "';"
                    + " await new Promise((r) => { v.onloadedmetadata = r; v.onerror = r; setTimeout(r, 5000); });"
                    + " return v.videoWidth > 0; }");
            assertThat(playable).as("the joined recording decodes").isEqualTo(true);
        } finally {
            if (second != null) {
                second.close();
            } else {
                TestServer.deleteTree(first.dataDir());
            }
        }
    }
}
