package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Screenshots of the room for the docs (docs/img/room-*.png): empty, receiving, in a call and
 * recording, at a phone's 390x844 and at 1280x800. They land in target/screenshots, or in the folder
 * named by -Dscreenshots.dir (docs/img to refresh the docs' pictures). Each picture shows no empty
 * problem box, and the call at 1280x800 shows the verification code in the people list, not covered
 * by a toast.
 */
@Tag("browser")
@Timeout(180)
class RoomScreenshotsBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3).rooms("shot")
            .args("--autoplay-policy=no-user-gesture-required");

    static Path out() throws Exception {
        Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
        Files.createDirectories(dir);
        return dir;
    }

    static void shot(RoomPage p, String name, int width) throws Exception {
        p.page.evaluate("() => window.scrollTo(0, 0)");
        assertThat(p.emptyMessageBoxes()).as("empty problem boxes in the %s room at %d", name, width).isZero();
        Path file = out().resolve("room-" + name + "-" + width + ".png");
        p.page.screenshot(new Page.ScreenshotOptions().setPath(file));
        assertThat(Files.size(file)).isPositive();
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void theRoomEmptyReceivingInACallAndRecording(int width, int height) throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room).viewport(width, height)) {
            a.page.locator("#my-name").fill("Ada");
            a.page.locator("#my-name").press("Enter");
            a.page.waitForFunction("() => document.getElementById('video').readyState >= 2");
            shot(a, "empty", width);
            try (RoomPage b = web.open(room).viewport(width, height)) {
                b.page.locator("#my-name").fill("Grace");
                b.page.locator("#my-name").press("Enter");
                a.waitConnectedTo(1);
                b.waitConnectedTo(1);
                b.snap();
                b.send();
                a.received(0);
                a.page.waitForFunction("() => document.querySelector('[data-testid=received-photo]').complete");
                Path file = Files.createTempFile("notes", ".pdf");
                Files.writeString(file, "%PDF-1.4\n".repeat(2000));
                b.page.getByTestId("files-input").setInputFiles(file);
                a.page.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]").waitFor();
                shot(a, "receiving", width);
                b.startRecording(0);
                a.page.getByTestId("recording-badge").waitFor();
                shot(a, "recording", width);
                b.page.getByTestId("rec-stop").click();
                CallPages.joinCall(a);
                CallPages.joinCall(b);
                CallPages.waitRemoteVideos(a, 1, 30_000);
                if (width >= 900) {
                    Locator code = a.page.locator("[data-testid=verify-code]:not([hidden])");
                    code.waitFor();
                    a.page.evaluate("() => window.scrollTo(0, 0)");
                    assertThat(a.onScreen(code)).as("the verification code in the people list, uncovered").isTrue();
                }
                shot(a, "call", width);
                Files.delete(file);
            }
        }
    }
}
