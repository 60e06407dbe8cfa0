package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ?relay=1}: every byte goes through the built-in TURN server, and the app says so. */
@Tag("browser")
@Timeout(120)
class RelayBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium()
            .settings(Map.of(
                    "turn.port", TestServer.freePort(),
                    "turn.allow-peers", List.of("127.0.0.0/8"))) // tests relay to loopback peers on purpose
            .camera(320, 240, 3).rooms("r");

    @Test
    void relayOnlyModeSendsThePhotoThroughTurn() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room, "?relay=1"); RoomPage b = web.open(room, "?relay=1")) {
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
