package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls in real headless Chromium with the fake camera and microphone: every page of a three-peer
 * room receives the two others' video with frames advancing, and a microphone muted on one page is
 * seen as silence in the far side's receive statistics.
 */
@Tag("browser")
@Timeout(150)
class CallBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3).rooms("c")
            .args("--autoplay-policy=no-user-gesture-required");

    @Test
    void threePeersEachReceiveTwoRemoteVideosWithFramesAdvancingAndTheThreeTilesFitA1280x900Screen() {
        String room = web.newRoom();
        try (RoomPage a = web.open(room).viewport(1280, 900); RoomPage b = web.open(room); RoomPage c = web.open(room)) {
            List<RoomPage> all = List.of(a, b, c);
            for (RoomPage p : all) {
                p.waitConnectedTo(2);
            }
            assertThat(a.page.getByTestId("remote-video").count()).as("no media before anyone joins the call").isZero();
            for (RoomPage p : all) {
                p.page.getByTestId("join-call").click();
                p.page.getByTestId("mute").waitFor();
            }
            for (RoomPage p : all) {
                p.page.waitForFunction("() => { const vs = [...document.querySelectorAll('[data-testid=remote-video]')];"
                        + " return vs.length === 2 && vs.every(v => v.srcObject && v.srcObject.getVideoTracks().length === 1"
                        + " && v.readyState >= 2); }", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
                List<?> advanced = (List<?>) p.page.evaluate(CallPages.FRAMES_ADVANCING);
                assertThat(advanced).hasSize(2);
                for (Object n : advanced) {
                    assertThat(((Number) n).intValue()).as("frames presented in 1.5 s").isGreaterThan(5);
                }
                assertThat(p.page.locator("[data-testid=call-grid]").getAttribute("data-count")).isEqualTo("3");
            }
            // the whole call on one screen: no tile below the fold of the page at its top
            a.page.evaluate("() => window.scrollTo(0, 0)");
            Locator tiles = a.page.locator("[data-testid=call-grid] .tile");
            assertThat(tiles.count()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                com.microsoft.playwright.options.BoundingBox box = tiles.nth(i).boundingBox();
                assertThat(a.inViewport(tiles.nth(i))).as("tile %d of 3 inside 1280x900: x=%.0f y=%.0f w=%.0f h=%.0f",
                        i, box.x, box.y, box.width, box.height).isTrue();
            }
            for (RoomPage p : all) {
                assertThat(p.problems).isEmpty();
            }
        }
    }

    @Test
    void muteOnOnePageIsSilenceInTheOtherPagesReceiveStatistics() {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("join-call").click();
            a.page.getByTestId("mute").waitFor();
            String aId = a.page.locator(".members-list li.self").getAttribute("data-peer");
            String energy = "document.querySelector('[data-testid=member-quality][data-peer=\"" + aId + "\"]').dataset.audioEnergy";
            String packets = "document.querySelector('[data-testid=member-quality][data-peer=\"" + aId + "\"]').dataset.audioPackets";
            // B has not joined the call: it still receives A's audio, and its statistics show sound arriving.
            double start = waitForEnergyAbove(b, energy, 0);
            double later = waitForEnergyAbove(b, energy, start);
            assertThat(later).isGreaterThan(start);

            a.page.getByTestId("mute").click();
            assertThat(a.page.getByTestId("mute").getAttribute("aria-pressed")).isEqualTo("true");
            b.page.waitForTimeout(2500); // what was in flight arrives, and the readout refreshes
            double mutedFrom = number(b, energy);
            double packetsFrom = number(b, packets);
            b.page.waitForTimeout(4500); // two refreshes
            double mutedTo = number(b, energy);
            assertThat(number(b, packets)).as("packets keep flowing while muted").isGreaterThan(packetsFrom);
            assertThat(mutedTo - mutedFrom).as("audio energy received while muted").isLessThan(1e-6);

            a.page.getByTestId("mute").click();
            assertThat(waitForEnergyAbove(b, energy, mutedTo)).isGreaterThan(mutedTo);
        }
    }

    @Test
    void screenSharingReplacesTheCameraTrackWithoutRenegotiatingAndGoesBack() {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("join-call").click();
            a.page.getByTestId("share-screen").waitFor();
            b.page.waitForFunction("() => { const v = document.querySelector('[data-testid=remote-video]');"
                    + " return v && v.videoWidth === 320; }", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
            String trackId = (String) b.page.evaluate("() => document.querySelector('[data-testid=remote-video]').srcObject.getVideoTracks()[0].id");
            int negotiations = a.console.stream().mapToInt(l -> l.contains("negotiation needed") ? 1 : 0).sum();
            a.page.getByTestId("share-screen").click();
            b.page.waitForFunction("() => document.querySelector('[data-testid=remote-video]').videoWidth !== 320", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            System.out.println("shared screen arrives as " + b.page.evaluate(
                    "() => { const v = document.querySelector('[data-testid=remote-video]'); return v.videoWidth + 'x' + v.videoHeight; }"));
            assertThat(a.page.getByTestId("share-screen").textContent()).isEqualTo("Stop sharing");
            a.page.getByTestId("share-screen").click();
            b.page.waitForFunction("() => document.querySelector('[data-testid=remote-video]').videoWidth === 320", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            assertThat(b.page.evaluate("() => document.querySelector('[data-testid=remote-video]').srcObject.getVideoTracks()[0].id"))
                    .as("the same receiving track throughout").isEqualTo(trackId);
            assertThat(a.console.stream().mapToInt(l -> l.contains("negotiation needed") ? 1 : 0).sum())
                    .as("replaceTrack does not renegotiate").isEqualTo(negotiations);
        }
    }

    @Test
    void aPeerJoiningTheRoomDuringACallReceivesItAndLeavingTheCallRemovesTheTiles() {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("join-call").click();
            b.page.getByTestId("join-call").click();
            a.page.getByTestId("mute").waitFor();
            b.page.getByTestId("mute").waitFor();
            try (RoomPage c = web.open(room)) {
                c.waitConnectedTo(2);
                c.page.waitForFunction("() => { const vs = [...document.querySelectorAll('[data-testid=remote-video]')];"
                        + " return vs.length === 2 && vs.every(v => v.readyState >= 2); }", null,
                        new Page.WaitForFunctionOptions().setTimeout(30_000));
                assertThat(c.page.getByTestId("self-video").count()).as("C has not joined: it sends nothing").isZero();
                assertThat(a.page.getByTestId("remote-video").count()).isEqualTo(1);
                a.page.getByTestId("leave-call").click();
                a.page.getByTestId("join-call").waitFor();
                for (RoomPage p : List.of(b, c)) {
                    p.page.waitForFunction("id => !document.querySelector(`[data-testid=remote-video][data-peer=\"${id}\"]`)",
                            a.page.locator(".members-list li.self").getAttribute("data-peer"),
                            new Page.WaitForFunctionOptions().setTimeout(20_000));
                }
                assertThat(c.page.getByTestId("remote-video").count()).isEqualTo(1);
            }
        }
    }

    private static double number(RoomPage p, String expression) {
        Object v = p.page.evaluate("() => Number(" + expression + " || 0)");
        return ((Number) v).doubleValue();
    }

    private static double waitForEnergyAbove(RoomPage p, String expression, double floor) {
        p.page.waitForFunction("f => Number(" + expression + " || 0) > f", floor,
                new Page.WaitForFunctionOptions().setTimeout(20_000));
        return number(p, expression);
    }
}
