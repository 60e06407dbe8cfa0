package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server copy of each photo: uploaded alongside the peer-to-peer transfer, listed by the API with
 * the sender's SHA-256, shown in every gallery, retried when the upload fails, and used to reach a
 * peer whose data channel never opens.
 */
@Tag("browser")
@Timeout(120)
class ServerCopyBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3).rooms("s");
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static JsonNode listPhotos(String room) throws Exception {
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/api/rooms/" + room + "/photos"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    static byte[] media(String id) throws Exception {
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(web.server().url() + "/api/media/" + id))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    @Test
    void theServerCopyHasTheSnapshotHashAndEveryGalleryShowsIt() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            String sha = a.snap();
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> listPhotos(room).size() == 1);
            JsonNode item = listPhotos(room).get(0);
            assertThat(item.path("sha256").asText()).isEqualTo(sha);
            assertThat(RoomPage.sha256(media(item.path("id").asText()))).isEqualTo(sha);
            a.page.waitForFunction("() => document.querySelector('.card.outgoing .row:not([data-peer])')?.dataset.state === 'saved'");
            // live on the sender and the peer (media-added), and from the list for someone who comes later
            for (RoomPage p : List.of(a, b)) {
                assertThat(p.page.getByTestId("gallery-item").first().getAttribute("data-sha256")).isEqualTo(sha);
            }
            try (RoomPage c = web.open(room)) {
                assertThat(c.page.getByTestId("gallery-item").first().getAttribute("data-sha256")).isEqualTo(sha);
                assertThat(c.page.getByTestId("gallery-item").count()).isOne();
            }
        }
    }

    @Test
    void aFailedUploadIsRetriedAutomaticallyAndByTheRetryButton() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room)) {
            AtomicInteger failures = new AtomicInteger(3);
            a.page.route("**/api/rooms/*/photos", route -> {
                if (route.request().method().equals("POST") && failures.getAndDecrement() > 0) {
                    route.abort();
                } else {
                    route.resume();
                }
            });
            String sha = a.snap();
            a.send();
            a.page.getByTestId("upload-retry").waitFor();
            assertThat(listPhotos(room).size()).isZero();
            a.page.getByTestId("upload-retry").click();
            a.page.waitForFunction("() => document.querySelector('.card.outgoing .row:not([data-peer])')?.dataset.state === 'saved'");
            assertThat(listPhotos(room).get(0).path("sha256").asText()).isEqualTo(sha);
            assertThat(a.page.getByTestId("gallery-item").first().getAttribute("data-sha256")).isEqualTo(sha);
        }
    }

    @Test
    void aPeerWhoseDataChannelNeverOpensGetsThePhotoViaTheServer() throws Exception {
        // relay-only and told of no ICE servers: ICE has no candidate at all, so no channel opens
        String room = web.newRoom();
        try (RoomPage a = web.openWithoutIceServers(room, "?relay=1&fallback=1500"); RoomPage b = web.openWithoutIceServers(room, "?relay=1&fallback=1500")) {
            String sha = a.snap();
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(b.received(0).getAttribute("data-path")).isEqualTo("server");
            assertThat(b.downloadNewestAndHash()).isEqualTo(sha);
            a.page.waitForFunction("() => { const r = document.querySelector('.card.outgoing .row[data-peer]');"
                    + " return r && r.dataset.path === 'server' && r.dataset.state === 'verified'; }");
            assertThat(a.page.getByTestId("peer-state").getAttribute("data-state"))
                .as("never connected: still trying, rebuilding or given up").isIn("connecting", "rebuilding", "failed");
        }
    }
}
