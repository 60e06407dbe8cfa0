package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The room's edge states (docs/webapp.md, "When the room cannot be used"), at 390x844 and 1280x800:
 * a full room shows a clear panel with the camera off and joins by itself soon after a place frees; a
 * room link that is not valid shows a page with "New room"; an unknown address opened in the browser
 * gets an HTML page, not JSON.
 */
@Tag("browser")
@Timeout(180)
class EdgeStatesBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(160, 120, 3, 5).rooms("edge")
            .settings(Map.of("signaling.room-capacity", 2));

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void aFullRoomShowsAPanelWithTheCameraOffAndJoinsWhenAPlaceFrees(int width, int height) {
        String room = web.newRoom();
        RoomPage b = null;
        try (RoomPage a = web.open(room)) {
            b = web.open(room);
            try (RoomPage c = RoomPage.load(web.browser(), web.server().url(), room)) {
                c.page.setViewportSize(width, height);
                Page late = c.page;
                Locator panel = late.getByTestId("room-blocked");
                panel.waitFor();
                late.waitForFunction("() => document.body.dataset.blocked === 'full'");
                assertThat(c.inViewport(late.locator("#blocked-title"))).as(c.describe()).isTrue();
                assertThat(late.locator("#blocked-title").textContent()).isEqualTo("This room is full");
                assertThat(c.inViewport(late.getByTestId("room-retry"))).isTrue();
                assertThat(late.locator("main").isVisible()).as("no room controls behind the panel").isFalse();
                late.waitForFunction("() => document.getElementById('video').srcObject === null");
                assertThat(late.getByTestId("snap").isDisabled()).isTrue();

                b.close();
                b = null;
                long freed = System.nanoTime();
                late.locator("[data-testid=connection][data-state=joined]").waitFor(
                        new Locator.WaitForOptions().setTimeout(10_000));
                System.out.printf("%dx%d: joined %.1f s after the place freed%n", width, height, (System.nanoTime() - freed) / 1e9);
                assertThat(panel.isVisible()).isFalse();
                late.waitForFunction("() => document.getElementById('video').srcObject?.getVideoTracks()[0]?.readyState === 'live'");
                c.waitConnectedTo(1);
                assertThat(c.inViewport(late.getByTestId("snap"))).isTrue();
                assertThat(c.problems).isEmpty();
            }
        } finally {
            if (b != null) {
                b.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void aBadRoomLinkShowsAPageWithNewRoom(int width, int height) {
        for (String bad : new String[] {"%3Cscript%3E", "a%20b", "caf%C3%A9", "x".repeat(200)}) {
            try (RoomPage p = RoomPage.load(web.browser(), web.server().url(), bad)) {
                p.page.setViewportSize(width, height);
                Locator title = p.page.locator("#blocked-title");
                title.waitFor();
                assertThat(title.textContent()).isEqualTo("This room link is not valid");
                assertThat(p.page.locator("main").isVisible()).isFalse();
                Locator fresh = p.page.getByTestId("room-blocked").getByTestId("new-room");
                assertThat(p.inViewport(fresh)).as(bad).isTrue();
                fresh.click();
                p.page.waitForURL(java.util.regex.Pattern.compile(".*/room/[A-Za-z0-9_-]{22}$"));
                p.waitJoined();
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void anUnknownAddressGetsAnHtmlPageNotJson(int width, int height) {
        try (var context = web.browser().newContext()) {
            Page page = context.newPage();
            page.setViewportSize(width, height);
            Response res = page.navigate(web.server().url() + "/room/../x"); // the browser asks for /x
            assertThat(res.status()).isEqualTo(404);
            assertThat(page.url()).endsWith("/x");
            assertThat(page.getByTestId("not-found").textContent()).contains("Page not found");
            Locator fresh = page.getByTestId("new-room");
            assertThat(fresh.boundingBox().y + fresh.boundingBox().height).isLessThanOrEqualTo(height);
            Response api = page.navigate(web.server().url() + "/api/nothing-here");
            assertThat(api.status()).isEqualTo(404);
            assertThat(api.headers().get("content-type")).startsWith("application/json");
        }
    }
}
