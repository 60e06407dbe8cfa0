package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ?relay=1}: every byte goes through the built-in TURN server, and the app says so. */
@Timeout(120)
class RelayBrowserTest {
    @TempDir
    Path dir;

    @Test
    void relayOnlyModeSendsThePhotoThroughTurn() throws Exception {
        assumeTrue(Chromium.available(), "needs /usr/bin/chromium");
        Map<String, Object> settings = Map.of(
                "turn.port", TestServer.freePort(),
                "turn.allow-peers", List.of("127.0.0.0/8")); // tests relay to loopback peers on purpose
        String room = "r-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestServer server = TestServer.start(settings);
             Chromium chromium = Chromium.launch(FakeVideo.write(dir.resolve("camera.y4m"), 320, 240, 3));
             RoomPage a = RoomPage.open(chromium.browser(), server.url(), room, "?relay=1");
             RoomPage b = RoomPage.open(chromium.browser(), server.url(), room, "?relay=1")) {
            for (RoomPage p : List.of(a, b)) {
                p.waitConnectedTo(1);
                assertThat(p.page.getByTestId("peer-state").getAttribute("data-state")).isEqualTo("relayed");
            }
            String sha = a.snap();
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(b.received(0).getAttribute("data-path")).isEqualTo("relayed");
            assertThat(b.downloadNewestAndHash()).isEqualTo(sha);
        }
    }
}
