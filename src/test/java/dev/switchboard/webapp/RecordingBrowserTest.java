package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A recording made with the fake camera is uploaded in parts while it is made (4 KiB parts here; the first fails on the way and the page
 * resumes from the server's offset), listed by the room's media API, served with ranges and shown as
 * a video in the gallery.
 */
@Tag("browser")
@Timeout(120)
class RecordingBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3);
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.server().url() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aFiveSecondRecordingIsUploadedListedAndServedWithRanges() throws Exception {
        String room = web.newRoom();
        try (RoomPage p = web.open(room)) {
            AtomicInteger puts = new AtomicInteger();
            p.context.route("**/api/recordings/**", route -> {
                if (route.request().method().equals("PUT") && puts.incrementAndGet() == 1) {
                    route.abort("connectionreset"); // the first part is lost on the way
                } else {
                    route.resume();
                }
            });
            Page page = p.page;
            p.startRecording(4096);
            page.waitForTimeout(5_000);
            assertThat(page.getByTestId("rec-time").textContent()).isIn("00:04", "00:05");
            assertThat(page.getByTestId("rec-size").textContent()).doesNotStartWith("0 ");
            page.getByTestId("rec-stop").click();
            Locator done = page.locator("[data-testid=rec-status][data-state=done]");
            done.waitFor(new Locator.WaitForOptions().setTimeout(30_000));
            String id = done.getAttribute("data-media-id");
            assertThat(puts.get()).as("parts of 4 KiB while recording, and the lost one again").isGreaterThanOrEqualTo(4);

            HttpResponse<byte[]> listing = get("/api/rooms/" + room + "/media");
            assertThat(listing.statusCode()).isEqualTo(200);
            JsonNode items = JSON.readTree(listing.body());
            assertThat(items).hasSize(1);
            JsonNode m = items.get(0);
            assertThat(m.get("id").asText()).isEqualTo(id);
            assertThat(m.get("kind").asText()).isEqualTo("recording");
            assertThat(m.get("contentType").asText()).isIn("video/webm", "video/mp4");
            long size = m.get("size").asLong();
            assertThat(size).isGreaterThan(10_000);

            HttpResponse<byte[]> whole = get("/api/media/" + id);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(RoomPage.sha256(whole.body())).as("the page's incremental SHA-256").isEqualTo(m.get("sha256").asText());
            HttpResponse<byte[]> head = get("/api/media/" + id, "Range", "bytes=0-3");
            assertThat(head.statusCode()).isEqualTo(206);
            assertThat(head.headers().firstValue("Content-Range")).hasValue("bytes 0-3/" + size);
            if (m.get("contentType").asText().equals("video/webm")) {
                assertThat(head.body()).isEqualTo(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3});
            }
            HttpResponse<byte[]> tail = get("/api/media/" + id, "Range", "bytes=" + (size - 100) + "-");
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(whole.body(), (int) size - 100, (int) size));

            Object tracks = page.evaluate("async () => { const v = document.createElement('video');"
                    + " v.muted = true; v.src = '/api/media/" + id + "'; await v.play().catch(() => {});"
                    + " await new Promise((r) => setTimeout(r, 1500));"
                    + " return (v.mozHasAudio ?? v.webkitAudioDecodedByteCount > 0) + ',' + (v.videoWidth > 0); }");
            assertThat(tracks).as("the recording has sound and pictures").isEqualTo("true,true");
            Locator video = page.locator("[data-testid=gallery-recording]");
            video.waitFor();
            assertThat(video.getAttribute("src")).isEqualTo("/api/media/" + id);
            page.waitForFunction("() => document.querySelector('[data-testid=gallery-recording]').readyState >= 1");
            // MediaRecorder's WebM has no duration in its header: the player finds it and shows it.
            page.waitForFunction("() => Number(document.querySelector('[data-testid=gallery-recording]').dataset.duration) > 0",
                    null, new Page.WaitForFunctionOptions().setTimeout(30_000));
            assertThat(Double.parseDouble(video.getAttribute("data-duration"))).isBetween(3.0, 8.0);
            assertThat((Boolean) video.evaluate("v => Number.isFinite(v.duration) && v.currentTime === 0")).isTrue();
            Locator length = page.locator("[data-testid=gallery-item][data-kind=recording] [data-testid=recording-duration]");
            assertThat(length.innerText()).matches("Length 0:0[3-8]");
            length.scrollIntoViewIfNeeded();
            assertThat(p.inViewport(length)).isTrue();
            assertThat(p.problems).isEmpty();
        }
    }
}
