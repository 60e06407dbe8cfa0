package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of any type between two pages in real headless Chromium: offered, accepted (or declined,
 * or cancelled), written by the receiver to the Origin Private File System in a Worker and verified
 * by SHA-256, with the receiver page's JS heap staying far below the file's size.
 */
@Tag("browser")
@Timeout(240)
class FileTransferBrowserTest {
    static final int MB = 1024 * 1024;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().rooms("f").args("--enable-precise-memory-info");

    /** Writes {@code size} reproducible random bytes; returns their SHA-256. */
    static String write(Path file, long size, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] block = new byte[MB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static String hash(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static Locator row(RoomPage p, String direction, String state) {
        return p.page.locator("[data-testid=file-transfer][data-direction=" + direction + "][data-state=" + state + "]");
    }

    static void waitRows(RoomPage p, String direction, String state, int n) {
        p.page.waitForFunction("([d, s, n]) => document.querySelectorAll("
                + "`[data-testid=file-transfer][data-direction=${d}][data-state=${s}]`).length === n",
                new Object[] {direction, state, n}, new Page.WaitForFunctionOptions().setTimeout(120_000));
    }

    static double heap(RoomPage p) {
        return ((Number) p.page.evaluate("() => performance.memory.usedJSHeapSize")).doubleValue();
    }

    @Test
    void aFiftyMegabyteFileArrivesVerifiedOnDiskWhileTheReceiverHeapStaysFlat() throws Exception {
        Path file = dir.resolve("big.bin");
        String sha = write(file, 50L * MB, 1);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            b.page.evaluate("() => { if (window.gc) gc(); }");
            double baseline = heap(b);
            a.page.getByTestId("files-input").setInputFiles(file);
            Locator offer = row(b, "in", "offered");
            offer.waitFor();
            assertThat(offer.getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(offer.textContent()).contains("big.bin").contains("50.0 MB");
            long started = System.nanoTime();
            offer.getByTestId("file-accept").click();
            double peak = baseline;
            while (row(b, "in", "verified").count() == 0) {
                assertThat(b.page.locator("[data-testid=file-transfer][data-state=failed]").count()).isZero();
                peak = Math.max(peak, heap(b));
                b.page.waitForTimeout(100);
                assertThat(System.nanoTime() - started).as("transfer time").isLessThan(150_000_000_000L);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("50 MB file: %.1f s, %.1f MB/s; receiver heap baseline %.1f MB, peak %.1f MB%n",
                    seconds, 50 / seconds, baseline / MB, peak / MB);
            assertThat(peak - baseline).as("receiver heap growth").isLessThan(16.0 * MB);
            waitRows(a, "out", "verified", 1);

            Locator link = row(b, "in", "verified").getByTestId("file-download");
            link.waitFor();
            Download d = b.page.waitForDownload(link::click);
            assertThat(d.suggestedFilename()).isEqualTo("big.bin");
            assertThat(Files.size(d.path())).isEqualTo(50L * MB);
            assertThat(hash(d.path())).isEqualTo(sha);
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }

    @Test
    void severalFilesAtOnceAreAutoAcceptedFromAPeerWhoseBoxIsTicked() throws Exception {
        Path one = dir.resolve("notes.txt");
        Path two = dir.resolve("data.bin");
        Files.writeString(one, "any type at all\n");
        String shaOne = hash(one);
        String shaTwo = write(two, 3L * MB + 17, 2);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            b.page.getByTestId("files-auto-accept").check();
            a.page.getByTestId("files-input").setInputFiles(new Path[] {one, two});
            waitRows(b, "in", "verified", 2);
            waitRows(a, "out", "verified", 2);
            assertThat(row(b, "in", "verified").evaluateAll("rs => rs.map(r => r.dataset.sha256)").toString())
                    .contains(shaOne).contains(shaTwo);
            // the download link is added just after the row turns verified: wait for both
            org.awaitility.Awaitility.await().pollInSameThread().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> row(b, "in", "verified").getByTestId("file-download").count() == 2);
        }
    }

    @Test
    void aDeclinedOfferIsReportedToTheSenderAndNothingIsSent() throws Exception {
        Path file = dir.resolve("declined.pdf");
        write(file, 2L * MB, 3);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-decline").click();
            waitRows(a, "out", "cancelled", 1);
            assertThat(row(a, "out", "cancelled").getByTestId("file-status").textContent()).contains("declined");
            assertThat(row(a, "out", "cancelled").getAttribute("data-bytes")).isEqualTo("0");
            waitRows(b, "in", "cancelled", 1);
        }
    }

    @Test
    void aReceiverShortOfStorageRefusesUpFrontWithTheReason() throws Exception {
        Path file = dir.resolve("too-big.iso");
        write(file, 2L * MB, 5);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            // a phone-sized quota: 1 MB left
            b.page.evaluate("() => { navigator.storage.estimate = async () => ({ quota: 5 * 1048576, usage: 4 * 1048576 }); }");
            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-accept").click();
            waitRows(a, "out", "cancelled", 1);
            assertThat(row(a, "out", "cancelled").getByTestId("file-status").textContent())
                    .contains("not enough storage: 1 MB free, 2 MB needed");
            waitRows(b, "in", "cancelled", 1);
            assertThat(row(b, "in", "cancelled").getByTestId("file-status").textContent()).contains("not enough storage");
            assertThat(row(a, "out", "cancelled").getAttribute("data-bytes")).isEqualTo("0");
        }
    }

    @Test
    void theSenderCancellingMidwayStopsBothSides() throws Exception {
        Path file = dir.resolve("cancelled.bin");
        write(file, 200L * MB, 4);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-accept").click();
            b.page.waitForFunction("() => Number(document.querySelector('[data-testid=file-transfer][data-direction=in]')"
                    + "?.dataset.bytes) > 0");
            row(a, "out", "sending").getByTestId("file-cancel").click();
            waitRows(a, "out", "cancelled", 1);
            waitRows(b, "in", "cancelled", 1);
            assertThat(row(b, "in", "cancelled").getByTestId("file-status").textContent()).matches("Guest \\S+ cancelled it\\.");
            assertThat(b.page.getByTestId("file-download").count()).isZero();
        }
    }
}
