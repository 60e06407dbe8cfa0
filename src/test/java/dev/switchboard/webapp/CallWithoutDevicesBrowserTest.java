package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No camera, or neither camera nor microphone: Join call still gets the person in, with sound only or
 * to listen and watch, and says so. The browser has fake devices, so a device's absence is what its
 * getUserMedia answers for it: NotFoundError, as Chromium does on a machine without one.
 */
@Tag("browser")
@Timeout(120)
class CallWithoutDevicesBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(160, 120, 2).rooms("nodev");

    /** getUserMedia answers NotFoundError for a camera, and for a microphone too when {@code noMic}. */
    private static String missing(boolean noMic) {
        return "(() => { const md = navigator.mediaDevices; const real = md.getUserMedia.bind(md);"
                + " md.getUserMedia = (c) => (c && (c.video || (" + noMic + " && c.audio)))"
                + " ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError')) : real(c); })()";
    }

    private static RoomPage open(String room, String initScript) {
        return RoomPage.open(web.browser(), web.server().url(), room, null,
                c -> { if (initScript != null) { c.addInitScript(initScript); } });
    }

    @Test
    void withoutACameraTheCallIsJoinedWithSoundOnlyAndWithNothingToListen() {
        String room = web.newRoom();
        try (RoomPage full = open(room, null);
                RoomPage noCamera = open(room, missing(false)).viewport(390, 844);
                RoomPage nothing = open(room, missing(true)).viewport(1280, 800)) {
            for (RoomPage p : new RoomPage[] {full, noCamera, nothing}) {
                p.waitConnectedTo(2);
            }
            // The one with every device is in the call first, so its picture reaches the phone just after
            // the phone joined and its message showed: the pictures arriving must not move the message away.
            full.page.getByTestId("join-call").click();
            full.page.getByTestId("mute").waitFor();

            noCamera.page.getByTestId("join-call").click();
            Locator message = noCamera.page.getByTestId("call-message");
            noCamera.page.locator("[data-testid=call-message][data-code=no-camera]").waitFor();
            assertThat(message.innerText()).contains("No camera found").contains("sound only");
            assertThat(noCamera.onScreen(message)).as("the message is where Join call was pressed").isTrue();
            assertThat(noCamera.page.getByTestId("mute").isVisible()).isTrue();
            assertThat(noCamera.page.getByTestId("camera-off").isVisible()).isFalse();

            nothing.page.getByTestId("join-call").click();
            nothing.page.locator("[data-testid=call-message][data-code=listen-only]").waitFor();
            assertThat(nothing.page.getByTestId("call-message").innerText()).contains("No camera or microphone found");
            assertThat(nothing.page.getByTestId("leave-call").isVisible()).as("in the call").isTrue();
            assertThat(nothing.page.getByTestId("mute").isVisible()).as("nothing to mute").isFalse();

            String noCameraId = peerId(full, noCamera);
            String fullId = peerId(noCamera, full);
            // The one with all devices hears the one without a camera (sound, no picture) ...
            full.page.waitForFunction("id => { const v = document.querySelector(`[data-testid=remote-video][data-peer=\"${id}\"]`);"
                    + " return v && v.srcObject && v.srcObject.getAudioTracks().some(t => t.readyState === 'live')"
                    + " && v.srcObject.getVideoTracks().length === 0; }", noCameraId, new Page.WaitForFunctionOptions().setTimeout(30_000));
            // ... and both others get the full one's picture, the listener included.
            for (RoomPage p : new RoomPage[] {noCamera, nothing}) {
                p.page.waitForFunction("id => { const v = document.querySelector(`[data-testid=remote-video][data-peer=\"${id}\"]`);"
                        + " return v && v.srcObject && v.srcObject.getVideoTracks().some(t => t.readyState === 'live') && v.videoWidth > 0; }",
                        fullId, new Page.WaitForFunctionOptions().setTimeout(30_000));
            }
            assertThat(noCamera.onScreen(message)).as("the message stays on screen once the pictures arrived below it").isTrue();
            String nothingId = peerId(full, nothing);
            assertThat(full.page.locator("[data-testid=remote-video][data-peer=\"" + nothingId + "\"]").count())
                    .as("the listener sends nothing").isZero();
            assertThat(noCamera.problems).isEmpty();
            assertThat(nothing.problems).isEmpty();
        }
    }

    /** The peer id {@code of} has on {@code on}'s page (its member row). */
    private static String peerId(RoomPage on, RoomPage of) {
        String selfName = of.page.locator("#my-name").inputValue();
        return on.page.locator("[data-testid=peer-name]").filter(new Locator.FilterOptions().setHasText(selfName))
                .first().getAttribute("data-peer");
    }
}
