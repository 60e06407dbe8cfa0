package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.switchboard.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a person sends while the server is down (two people in the room) waits, marked pending, with a
 * true message, and goes out by itself once the page is back in the room: a photo reaches the other
 * person hash-checked, a chat message arrives and loses its pending mark.
 */
@Tag("browser")
@Timeout(120)
class OfflineQueueBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.chromiumOnly().camera(160, 120, 2);

    @Test
    void aPhotoAndAChatMessageSentWhileTheServerIsDownGoOutWhenItIsBack() {
        int port = TestServer.freePort();
        // Recovery off: the pages are out of the room at once (with it on, they keep their calls while their
        // sessions might come back, and chat goes peer to peer; SignalingRecoveryBrowserTest covers that).
        TestServer first = TestServer.start(Map.of("http.port", port, "signaling.recovery-window", "0")).keepDataDir();
        TestServer second = null;
        String room = BrowserFixture.newRoom("offline");
        try (RoomPage a = RoomPage.open(web.browser(), first.url(), room, null).viewport(390, 844);
                RoomPage b = RoomPage.open(web.browser(), first.url(), room, null)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            first.close();
            a.page.locator("[data-testid=connection][data-state=disconnected]").waitFor();

            String sha = a.snap();
            a.send();
            Locator message = a.page.locator("#send-message[data-code=pending]");
            message.waitFor();
            assertThat(message.innerText()).contains("pending").doesNotContain("Nobody else");
            assertThat(a.inViewport(message)).isTrue();
            Locator card = a.page.locator("#sent-list .card").first();
            assertThat(card.getAttribute("data-pending")).isEqualTo("true");
            assertThat(card.innerText()).contains("pending: sent when the connection is back");

            a.page.getByTestId("chat-input").fill("typed while offline");
            a.page.getByTestId("chat-send").click();
            Locator mine = a.page.getByTestId("chat-message").filter(new Locator.FilterOptions().setHasText("typed while offline"));
            assertThat(mine.getAttribute("data-pending")).isEqualTo("true");
            assertThat(mine.getByTestId("chat-pending").isVisible()).isTrue();

            second = TestServer.start(Map.of("http.port", port, "data-dir", first.dataDir().toString(),
                    "signaling.recovery-window", "0")).deleteDataDirOnClose();
            a.page.locator("[data-testid=connection][data-state=joined]").waitFor(new Locator.WaitForOptions().setTimeout(30_000));
            assertThat(b.received(0).getAttribute("data-sha256")).as("the pending photo arrived").isEqualTo(sha);
            b.page.getByTestId("chat-message").filter(new Locator.FilterOptions().setHasText("typed while offline"))
                    .waitFor(new Locator.WaitForOptions().setTimeout(30_000));
            a.page.waitForFunction("() => !document.querySelector('[data-testid=chat-message][data-pending]')"
                    + " && !document.querySelector('#sent-list .card[data-pending]')", null,
                    new Page.WaitForFunctionOptions().setTimeout(30_000));
            assertThat(a.page.locator("#send-message[data-code=pending]").count()).as("the pending message is gone").isZero();
        } finally {
            if (second != null) {
                second.close();
            } else {
                TestServer.deleteTree(first.dataDir());
            }
        }
    }
}
