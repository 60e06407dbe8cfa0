package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app through a cut signaling connection (connection state recovery): the page's WebSockets are
 * closed under it, its Socket.IO client reconnects within the window and recovers, so the page stays in
 * its room under the same id without joining again, its call stays up, and the other page is told of
 * no departure.
 */
@Tag("browser")
@Timeout(120)
class SignalingRecoveryBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().rooms("csr");

    /** Keeps every WebSocket the page opens, so the test can close them under the page. */
    private static final String KEEP_SOCKETS = "(() => { const W = window.WebSocket; window.__sockets = [];"
            + " window.WebSocket = class extends W { constructor(...a) { super(...a); window.__sockets.push(this); } }; })()";

    private static long count(RoomPage p, String text) {
        return p.console.stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void aPageWhoseSignalingDropsRecoversItsRoomWithoutJoiningAgainAndTheOthersSeeNoDeparture() {
        String room = web.newRoom();
        try (RoomPage a = RoomPage.open(web.browser(), web.server().url(), room, null, c -> c.addInitScript(KEEP_SOCKETS));
                RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            assertThat(count(a, "signaling: join answered")).isEqualTo(1);

            a.page.evaluate("() => window.__sockets.filter(s => s.url.includes('/socket.io/')).forEach(s => s.close())");
            a.page.waitForCondition(() -> count(a, ", recovered") == 1,
                    new Page.WaitForConditionOptions().setTimeout(RoomPage.TIMEOUT_MS));
            a.waitJoined();
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            assertThat(count(a, "signaling: join answered")).as("no second join").isEqualTo(1);
            assertThat(count(b, "signaling: peer-left")).as("the other page heard of no departure").isZero();
            assertThat(count(b, "signaling: peer-joined")).as("nor of a new arrival").isZero();
            assertThat(a.problems).isEmpty();
        }
    }
}
