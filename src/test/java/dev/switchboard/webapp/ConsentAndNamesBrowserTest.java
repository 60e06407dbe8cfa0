package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recording consent and names (docs/webapp.md, "Names and recording consent"), at 390x844 and
 * 1280x800: while one person records, every page shows who in a badge inside the viewport and
 * announces it; the gallery then says who recorded and when; the Record section shows no empty error
 * box. A rename shows at once in every member row, call tile and file row of every page, and a page
 * that joins later gets the new name too.
 */
@Tag("browser")
@Timeout(180)
class ConsentAndNamesBrowserTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(160, 120, 3, 5).rooms("cn")
            .args("--autoplay-policy=no-user-gesture-required");

    static String myName(RoomPage p) {
        return p.page.locator("#my-name").inputValue();
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void everyPageSeesWhoRecordsAndTheGallerySaysWhoAndWhen(int width, int height) {
        String room = web.newRoom();
        try (RoomPage a = web.open(room).viewport(width, height); RoomPage b = web.open(room).viewport(width, height)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            for (RoomPage p : new RoomPage[] {a, b}) {
                assertThat(p.page.getByTestId("rec-message").isVisible()).as("no empty error box").isFalse();
                assertThat(p.page.getByTestId("recording-badge").count()).isZero();
            }
            String name = myName(a);
            a.startRecording(0);

            Locator badge = b.page.getByTestId("recording-badge");
            badge.waitFor();
            assertThat(badge.textContent()).isEqualTo(name + " is recording");
            b.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)");
            assertThat(b.inViewport(badge)).as("the badge stays on screen when scrolled\n" + b.describe()).isTrue();
            b.page.waitForFunction("n => document.querySelector('[data-testid=announce-polite]').textContent"
                    + ".startsWith(n + ' started recording')", name);
            Locator own = a.page.getByTestId("recording-badge");
            assertThat(own.textContent()).isEqualTo("You are recording");
            assertThat(a.inViewport(own)).isTrue();

            a.page.waitForFunction("() => document.querySelector('[data-testid=rec-size]').textContent !== '0 B'");
            a.page.getByTestId("rec-stop").click();
            a.page.locator("[data-testid=rec-status][data-state=done]").waitFor();
            b.page.waitForFunction("() => document.querySelectorAll('[data-testid=recording-badge]').length === 0");
            assertThat(a.page.getByTestId("recording-badge").count()).isZero();
            Locator caption = b.page.locator("[data-testid=gallery-item][data-kind=recording] [data-testid=recording-caption]");
            b.page.waitForFunction("n => document.querySelector('[data-testid=gallery-item][data-kind=recording]"
                    + " [data-testid=recording-caption]')?.textContent.startsWith('Recorded by ' + n + ' · ')", name);
            assertThat(caption.textContent()).matches("Recorded by .+ · .*\\d{1,2}:\\d{2}.*");
            assertThat(a.page.locator("[data-testid=gallery-item][data-kind=recording] [data-testid=recording-caption]")
                    .textContent()).startsWith("Recorded by you · ");
            Locator arrived = b.page.getByTestId("incoming-recording");
            b.page.evaluate("() => window.scrollTo(0, 0)");
            assertThat(b.inViewport(arrived)).as("the recording shows in the incoming area").isTrue();
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void aRenameShowsAtOnceInEveryRowTileAndFileRowForEveryone(int width, int height) throws Exception {
        String room = web.newRoom();
        Path file = dir.resolve("n" + width + ".txt");
        Files.writeString(file, "names\n");
        try (RoomPage a = web.open(room).viewport(width, height); RoomPage b = web.open(room).viewport(width, height)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            String bId = b.page.locator(".members-list li.self").getAttribute("data-peer");
            CallPages.joinCall(a);
            CallPages.joinCall(b);
            CallPages.waitRemoteVideos(a, 1, 30_000);
            b.page.getByTestId("files-input").setInputFiles(file);
            a.page.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]").waitFor();

            b.page.locator("#my-name").fill("Zoë Quinn");
            b.page.locator("#my-name").press("Enter");
            assertThat(b.page.locator("body").innerText()).doesNotContain("next join");

            // every place on A's page that names B: the member row, the call tile, the file row
            a.page.waitForFunction("id => { const n = [...document.querySelectorAll(`[data-testid=peer-name][data-peer=\"${id}\"]`)];"
                    + " return n.length >= 3 && n.every(e => e.textContent === 'Zoë Quinn'); }", bId);
            assertThat(a.page.locator(".members-list [data-testid=peer-name][data-peer=\"" + bId + "\"]").count()).isOne();
            assertThat(a.page.locator(".tile [data-testid=peer-name][data-peer=\"" + bId + "\"]").count()).isOne();
            assertThat(a.page.locator("[data-testid=file-transfer] [data-testid=peer-name][data-peer=\"" + bId + "\"]").count()).isOne();
            Locator row = a.page.locator(".members-list [data-testid=peer-name][data-peer=\"" + bId + "\"]");
            row.scrollIntoViewIfNeeded();
            assertThat(a.inViewport(row)).isTrue();
            // B's own row
            assertThat(b.page.locator(".members-list li.self [data-testid=peer-name]").textContent()).isEqualTo("Zoë Quinn");

            // a page that joins now: the server still knows B's old name, B tells the new one
            try (RoomPage c = web.open(room).viewport(width, height)) {
                c.waitConnectedTo(2);
                c.page.waitForFunction("id => document.querySelector(`.members-list [data-testid=peer-name][data-peer=\"${id}\"]`)"
                        + "?.textContent === 'Zoë Quinn'", bId, new Page.WaitForFunctionOptions().setTimeout(RoomPage.TIMEOUT_MS));
            }
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }
}
