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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Record the call" in real headless Chromium: two pages in a call, one records the whole call (the
 * grid drawn on a canvas, all sound mixed) and the recording is uploaded and listed; and the recorder
 * stops by itself at the server's media.max-recording-duration and says why.
 */
@Tag("browser")
@Timeout(150)
class CallRecordingBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.chromiumOnly().camera(320, 240, 3)
            .args("--autoplay-policy=no-user-gesture-required");
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static JsonNode media(TestServer server, String room) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/rooms/" + room + "/media"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static int number(Page page, String attribute) {
        Object v = page.locator("#recorder").getAttribute(attribute);
        return v == null ? -1 : Integer.parseInt(v.toString());
    }

    @Test
    void theWholeCallIsRecordedWithCanvasFramesAndMixedSoundAndListed() throws Exception {
        String room = BrowserFixture.newRoom("cr");
        try (TestServer server = TestServer.start();
             RoomPage a = RoomPage.open(web.browser(), server.url(), room, null);
             RoomPage b = RoomPage.open(web.browser(), server.url(), room, null)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            for (RoomPage p : new RoomPage[] {a, b}) {
                p.page.getByTestId("join-call").click();
                p.page.getByTestId("mute").waitFor();
            }
            a.page.waitForFunction("() => { const vs = [...document.querySelectorAll('[data-testid=remote-video]')];"
                    + " return vs.length === 1 && vs[0].srcObject && vs[0].srcObject.getAudioTracks().length === 1"
                    + " && vs[0].readyState >= 2; }", null, new Page.WaitForFunctionOptions().setTimeout(30_000));

            Page page = a.page;
            page.getByTestId("rec-source").selectOption("call");
            page.getByTestId("rec-start").click();
            page.locator("[data-testid=rec-status][data-state=recording]").waitFor();
            page.waitForTimeout(3_000);
            int framesWhileRecording = number(page, "data-frames-drawn");
            page.getByTestId("rec-stop").click();
            Locator done = page.locator("[data-testid=rec-status][data-state=done]");
            done.waitFor(new Locator.WaitForOptions().setTimeout(30_000));
            String id = done.getAttribute("data-media-id");

            assertThat(number(page, "data-video-tracks")).as("video tracks of the composed stream").isEqualTo(1);
            assertThat(number(page, "data-audio-tracks")).as("audio tracks of the composed stream").isEqualTo(1);
            assertThat(framesWhileRecording).as("canvas frames drawn in ~3 s at 20 fps").isGreaterThan(20);
            assertThat(number(page, "data-mixed-audio")).as("own microphone and the peer's sound mixed").isEqualTo(2);
            System.out.printf("call recording: %d canvas frames in ~3 s%n", number(page, "data-frames-drawn"));

            JsonNode items = media(server, room);
            assertThat(items).hasSize(1);
            JsonNode m = items.get(0);
            assertThat(m.get("id").asText()).isEqualTo(id);
            assertThat(m.get("kind").asText()).isEqualTo("recording");
            assertThat(m.get("size").asLong()).isGreaterThan(0);
            System.out.printf("call recording: %d bytes, %s%n", m.get("size").asLong(), m.get("contentType").asText());

            Object picture = page.evaluate("async () => { const v = document.createElement('video');"
                    + " v.muted = true; v.src = '/api/media/" + id + "';"
                    + " await new Promise((r) => { v.onloadedmetadata = r; v.onerror = r; setTimeout(r, 5000); });"
                    + " return v.videoWidth + 'x' + v.videoHeight; }");
            assertThat(picture).as("the canvas size").isEqualTo("1280x720");
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }

    @Test
    void theRecorderStopsByItselfAtTheServersDurationLimitAndSaysWhy() throws Exception {
        String room = BrowserFixture.newRoom("lim");
        try (TestServer server = TestServer.start(Map.of("media.max-recording-duration", "3s"));
             RoomPage p = RoomPage.open(web.browser(), server.url(), room, null)) {
            Page page = p.page;
            page.waitForFunction("() => { const v = document.getElementById('video');"
                    + " return v && v.srcObject && v.readyState >= 2; }");
            page.getByTestId("rec-start").click();
            page.locator("[data-testid=rec-status][data-state=recording]").waitFor();
            Locator done = page.locator("[data-testid=rec-status][data-state=done]");
            done.waitFor(new Locator.WaitForOptions().setTimeout(30_000)); // no click on Stop
            assertThat(page.locator("#recorder").getAttribute("data-stopped-by")).isEqualTo("limit");
            assertThat(page.getByTestId("rec-message").textContent()).contains("00:03").contains("server");
            assertThat(media(server, room)).hasSize(1);
            assertThat(p.problems).isEmpty();
        }
    }
}
