package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The photo path in real headless Chromium: pages in a mesh room, a snapshot of a reproducible fake
 * camera sent over data channels, checked by hash at every receiver (and by the bytes each receiver
 * offers for download).
 */
@Tag("browser")
@Timeout(120)
class PhotoSharingBrowserTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3).rooms("t");

    @Test
    void theFrontPageOpensANewUnguessableRoom() {
        try (var context = web.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(web.server().url() + "/");
            page.waitForURL(java.util.regex.Pattern.compile(".*/room/[A-Za-z0-9_-]{22}$"));
            String first = page.url();
            page.navigate(web.server().url() + "/");
            page.waitForURL(java.util.regex.Pattern.compile(".*/room/[A-Za-z0-9_-]{22}$"));
            assertThat(page.url()).isNotEqualTo(first);
            page.locator("[data-testid=connection][data-state=joined]").waitFor();
        }
    }

    @Test
    void twoPagesSnapshotArrivesWithTheSameHash() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            String sha = a.snap();
            assertThat(sha).matches("[0-9a-f]{64}");
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(b.received(0).getAttribute("data-path")).isEqualTo("direct");
            assertThat(b.downloadNewestAndHash()).isEqualTo(sha);
            a.page.waitForFunction("() => document.querySelector('.card.outgoing .row[data-peer]')?.dataset.state === 'verified'");
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }

    @Test
    void threePagesEveryoneElseGetsTheSnapshot() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room); RoomPage c = web.open(room)) {
            for (RoomPage p : List.of(a, b, c)) {
                p.waitConnectedTo(2);
            }
            String sha = a.snap();
            a.send();
            for (RoomPage p : List.of(b, c)) {
                assertThat(p.received(0).getAttribute("data-sha256")).isEqualTo(sha);
                assertThat(p.downloadNewestAndHash()).isEqualTo(sha);
            }
            a.page.waitForFunction("() => [...document.querySelectorAll('.card.outgoing .row[data-peer]')]"
                    + ".filter(r => r.dataset.peer && r.dataset.state === 'verified').length === 2");
            assertThat(a.page.getByTestId("received-photo").count()).isZero();
        }
    }

    @Test
    void fiveMegabyteImageArrivesIntact() throws Exception {
        Path big = noisePng(dir.resolve("big.png"), 1300, 1300);
        assertThat(Files.size(big)).isGreaterThan(5_000_000L);
        String expected = RoomPage.sha256(Files.readAllBytes(big));
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            assertThat(a.choose(big)).isEqualTo(expected);
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(expected);
            assertThat(b.downloadNewestAndHash()).isEqualTo(expected);
            assertThat(b.page.locator("[data-testid=transfer-progress][data-direction=in]").first()
                    .evaluate("p => p.value === p.max")).isEqualTo(true);
        }
    }

    @Test
    void aPeerReloadingIsSeenLeavingAndRejoiningWithoutStuckState() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room); RoomPage c = web.open(room)) {
            a.waitConnectedTo(2);
            String oldId = b.page.locator(".members-list li.self").getAttribute("data-peer");
            b.page.reload();
            b.waitJoined();
            String newId = b.page.locator(".members-list li.self").getAttribute("data-peer");
            assertThat(newId).isNotEqualTo(oldId);
            for (RoomPage p : List.of(a, b, c)) {
                p.waitConnectedTo(2);
            }
            assertThat(a.page.locator("[data-testid=peer-state][data-peer='" + oldId + "']").count()).isZero();
            assertThat(a.page.locator("[data-testid=peer-state][data-peer='" + newId + "']").count()).isOne();
            String sha = a.snap();
            a.send();
            assertThat(b.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(c.received(0).getAttribute("data-sha256")).isEqualTo(sha);
        }
    }

    @Test
    void aPeerLeavingMidTransferLeavesNoProgressBarRunning() throws Exception {
        Path big = noisePng(dir.resolve("leave.png"), 1300, 1300);
        String room = web.newRoom();
        try (RoomPage a = web.open(room)) {
            RoomPage b = web.open(room);
            a.waitConnectedTo(1);
            a.choose(big);
            a.send();
            b.page.locator(".card.incoming").first().waitFor();
            b.close();
            a.page.waitForFunction("() => { const r = document.querySelector('.card.outgoing .row[data-peer]');"
                    + " return r && ['failed', 'verified'].includes(r.dataset.state); }");
            assertThat(a.page.getByTestId("peer-state").count()).isZero();
        }
    }

    @Test
    void onAPhoneSizedScreenEveryControlIsLabelledAndReachableByKeyboard() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.page.setViewportSize(375, 740);
            a.waitConnectedTo(1);
            a.snap();
            a.send();
            b.received(0);
            Object wide = a.page.evaluate("() => [...document.querySelectorAll('body *')]"
                    + ".filter(e => e.getBoundingClientRect().right > 376).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)");
            assertThat(a.page.evaluate("() => document.documentElement.scrollWidth")).as("too wide: %s", wide).isEqualTo(375);
            Object unlabelled = a.page.evaluate("""
                    () => [...document.querySelectorAll('button, input, select, progress, a[href]')]
                      .filter(e => !e.hidden && e.type !== 'file' && !(e.labels && e.labels.length)
                                   && !e.getAttribute('aria-label') && !e.textContent.trim())
                      .map(e => e.outerHTML.slice(0, 80))""");
            assertThat((List<?>) unlabelled).isEmpty();
            List<String> reached = new java.util.ArrayList<>();
            for (int i = 0; i < 25; i++) {
                a.page.keyboard().press("Tab");
                reached.add(String.valueOf(a.page.evaluate("() => document.activeElement.dataset.testid || document.activeElement.id")));
            }
            assertThat(reached).contains("copy-link", "snap", "file-input", "send-photo");
            a.page.locator("[data-testid=snap]").focus();
            String before = a.page.getByTestId("photo-preview").getAttribute("src");
            a.page.keyboard().press("Enter");
            a.page.waitForFunction("s => document.querySelector('[data-testid=photo-preview]').src !== s", before);
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            a.page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("room-phone.png")).setFullPage(true));
        }
    }

    /** A PNG of seeded random pixels: it does not compress, so its size is about width*height*3. */
    static Path noisePng(Path file, int width, int height) throws Exception {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
