package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What arrives is seen at once (docs/webapp.md, "Arrival first"): at a phone's 390x844 and a laptop's
 * 1280x800, a photo and a file offer sent to a page scrolled to its top land in the incoming area
 * inside the viewport, with a toast, an announcement, and a count in the tab title while the page is
 * hidden; on a phone the sender's Take photo and Send stay on screen after a snap.
 */
@Tag("browser")
@Timeout(180)
class ArrivalsBrowserTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3).rooms("arr");

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void aPhotoAndAFileOfferShowInTheViewportWithAToastAndATitleCount(int width, int height) throws Exception {
        String room = web.newRoom();
        Path file = dir.resolve("report-" + width + ".pdf");
        Files.write(file, "%PDF-1.4 not really a pdf\n".repeat(100).getBytes());
        try (RoomPage a = web.open(room).viewport(width, height); RoomPage b = web.open(room).viewport(width, height)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            String title = b.page.title();
            b.setHidden(true);

            a.snap();
            Locator snap = a.page.getByTestId("snap");
            Locator send = a.page.getByTestId("send-photo");
            assertThat(a.inViewport(snap)).as("Take photo in the viewport after a snap").isTrue();
            assertThat(a.inViewport(send)).as("Send in the viewport after a snap").isTrue();
            assertThat(send.isEnabled()).isTrue();
            send.click();

            Locator photo = b.received(0);
            b.page.waitForFunction("() => document.querySelector('[data-testid=received-photo]').complete");
            assertThat(b.page.evaluate("() => window.scrollY")).isEqualTo(0);
            assertThat(b.inViewport(photo)).as("received photo in the viewport\n" + b.describe()).isTrue();
            assertThat(b.page.getByTestId("incoming").locator("[data-testid=received-photo]").count()).isOne();
            assertThat(b.inViewport(b.page.getByTestId("toast").first())).as("toast in the viewport").isTrue();
            assertThat(b.page.getByTestId("toast").first().textContent()).contains("photo");
            b.page.waitForFunction("t => document.title === '(1) ' + t", title);

            a.page.getByTestId("files-input").setInputFiles(file);
            Locator offer = b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]");
            offer.waitFor();
            b.page.waitForFunction("t => document.title === '(2) ' + t", title);
            assertThat(b.page.getByTestId("incoming").locator("[data-testid=file-transfer]").count()).isOne();
            assertThat(b.inViewport(offer.getByTestId("file-accept"))).as("Accept in the viewport\n" + b.describe()).isTrue();
            assertThat(b.page.getByTestId("announce-polite").textContent()).contains("offers " + file.getFileName());
            assertThat(b.page.getByTestId("toast").count()).isGreaterThanOrEqualTo(1);

            b.setHidden(false);
            assertThat(b.page.title()).isEqualTo(title);
            offer.getByTestId("file-accept").click();
            b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=verified]").waitFor();
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }
}
