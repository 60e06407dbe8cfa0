package dev.switchboard.webapp;

import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the call browser tests share: one server and one Chromium with a small fake camera for the
 * class, room pages opened with the test hooks, and the reads of the call grid they all need.
 */
abstract class CallPages {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(160, 120, 3, 5).rooms("c")
            .args("--autoplay-policy=no-user-gesture-required");

    /** Frames each remote video presented during 1.5 s, as the page's video elements count them. */
    static final String FRAMES_ADVANCING = """
            async () => {
              const vs = [...document.querySelectorAll('[data-testid=remote-video]')];
              const before = vs.map(v => v.getVideoPlaybackQuality().totalVideoFrames);
              await new Promise(r => setTimeout(r, 1500));
              return vs.map((v, i) => v.getVideoPlaybackQuality().totalVideoFrames - before[i]);
            }""";

    /** A call page: a room page with the test hooks (window.switchboardTest). */
    static RoomPage open(String room) {
        return web.open(room, "?testhooks=1");
    }

    static String selfId(RoomPage p) {
        return p.page.locator(".members-list li.self").getAttribute("data-peer");
    }

    static void joinCall(RoomPage p) {
        p.page.getByTestId("join-call").click();
        p.page.getByTestId("mute").waitFor();
    }

    /** Waits until the page shows {@code n} remote videos, each with a video track and a picture. */
    static void waitRemoteVideos(RoomPage p, int n, double timeoutMs) {
        p.page.waitForFunction("n => { const vs = [...document.querySelectorAll('[data-testid=remote-video]')];"
                + " return vs.length === n && vs.every(v => v.srcObject && v.srcObject.getVideoTracks().length === 1"
                + " && v.readyState >= 2); }", n, new Page.WaitForFunctionOptions().setTimeout(timeoutMs));
    }

    /** Frames presented by each remote video of {@code p} during 1.5 s. */
    static List<Integer> framesAdvancing(RoomPage p) {
        return ((List<?>) p.page.evaluate(FRAMES_ADVANCING)).stream().map(n -> ((Number) n).intValue()).toList();
    }

    static void sendChat(RoomPage p, String text) {
        p.page.getByTestId("chat-input").fill(text);
        p.page.getByTestId("chat-send").click();
    }

    static void waitChat(RoomPage p, String text) {
        p.page.waitForFunction("t => [...document.querySelectorAll('[data-testid=chat-message] .chat-text')]"
                + ".some(e => e.textContent === t)", text, new Page.WaitForFunctionOptions().setTimeout(RoomPage.TIMEOUT_MS));
    }
}
