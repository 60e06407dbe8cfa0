package dev.switchboard.webapp;

import static dev.switchboard.webapp.FileRobustnessBrowserTest.attr;
import static dev.switchboard.webapp.FileRobustnessBrowserTest.download;
import static dev.switchboard.webapp.FileRobustnessBrowserTest.stored;
import static dev.switchboard.webapp.FileRobustnessBrowserTest.waitStored;
import static dev.switchboard.webapp.FileTransferBrowserTest.row;
import static dev.switchboard.webapp.FileTransferBrowserTest.waitRows;
import static dev.switchboard.webapp.FileTransferBrowserTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable file transfers in real headless Chromium: a receiver that reloads its page or loses its
 * connection midway, or a sender that reloads and sends the same file again, continues from the bytes
 * the receiver kept (partial file, record and hash state in OPFS); client ids stay per tab; old partial
 * files are swept.
 */
@Tag("browser")
@Timeout(240)
class FileResumeBrowserTest {
    static final long MB = 1024 * 1024;

    @TempDir
    static Path dir;
    @RegisterExtension
    // Connection state recovery off: with it, a signaling connection cut mid-transfer is resumed and the
    // room never forgets the receiver, so the transfer simply goes on (SignalingRecoveryBrowserTest);
    // here the receiver must come back as a new peer, as after the recovery window, for the file to resume.
    static final BrowserFixture web = BrowserFixture.serverAndChromium().settings(Map.of("signaling.recovery-window", "0"))
            .rooms("r").args("--enable-precise-memory-info");

    @Test
    void partialFilesOlderThanADayAreRemovedWhenARoomPageOpens() {
        try (RoomPage p = web.open(web.newRoom())) {
            p.page.evaluate("""
                    async () => {
                      const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('incoming', {create: true});
                      const put = async (name, text) => {
                        const w = await (await d.getFileHandle(name, {create: true})).createWritable();
                        await w.write(text);
                        await w.close();
                      };
                      const rec = (updated) => JSON.stringify({v: 1, meta: {}, bytes: 4, state: null, updated});
                      await put('old-partial', 'abcd');
                      await put('old-partial.rec', rec(Date.now() - 25 * 3600 * 1000));
                      await put('fresh-partial', 'abcd');
                      await put('fresh-partial.rec', rec(Date.now() - 3600 * 1000));
                      await put('lost.rec', rec(Date.now()));
                    }""");
            assertThat(stored(p)).hasSize(5);
            p.page.reload();
            p.waitJoined();
            waitStored(p, List.of("fresh-partial", "fresh-partial.rec"));
        }
    }

    @Test
    void aReceiverReloadingMidwayResumesFromTheBytesItKept() throws Exception {
        long size = 40 * MB;
        Path file = dir.resolve("resume.bin");
        String sha = write(file, size, 11);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-accept").click();
            b.page.waitForFunction("n => Number(document.querySelector('[data-testid=file-transfer][data-direction=in]')"
                    + "?.dataset.bytes) >= n", (double) (size * 3 / 10), new Page.WaitForFunctionOptions().setTimeout(120_000));

            b.page.reload();
            b.waitJoined();
            Locator in = row(b, "in", "verified");
            in.waitFor(new Locator.WaitForOptions().setTimeout(150_000));
            long resumedFrom = attr(in, "data-resumed-from");
            waitRows(a, "out", "verified", 1);
            long sentTotal = attr(row(a, "out", "verified"), "data-sent-total");
            System.out.printf("resume: receiver reloaded, resumed from %.1f MB of %.1f MB; sender sent %.1f MB in all%n",
                    resumedFrom / (double) MB, size / (double) MB, sentTotal / (double) MB);
            assertThat(resumedFrom).as("resumed from the receiver's offset").isGreaterThanOrEqualTo(size / 4)
                    .isLessThan(size);
            assertThat(sentTotal).as("the sender did not start again from 0").isLessThan(size * 3 / 2);
            assertThat(attr(row(a, "out", "verified"), "data-resumed-from")).isEqualTo(resumedFrom);
            assertThat(in.getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(download(b, in)).isEqualTo(sha);
            assertThat(stored(b)).as("no resume record left").noneMatch(n -> n.endsWith(".rec"));
            assertThat(a.page.locator("[data-testid=file-transfer][data-state=failed]").count()).isZero();
        }
    }

    @Test
    void aReceiverWhoseConnectionBreaksMidwayResumesWhenItIsBack() throws Exception {
        long size = 40 * MB;
        Path file = dir.resolve("break.bin");
        String sha = write(file, size, 16);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            // keep the page's WebSockets reachable, so the test can cut its connection to the server
            b.context.addInitScript("(() => { const Native = window.WebSocket; window.__sockets = [];"
                    + " window.WebSocket = class extends Native { constructor(...args) { super(...args);"
                    + " window.__sockets.push(this); } }; })();");
            b.page.reload();
            b.waitJoined();
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-accept").click();
            b.page.waitForFunction("n => Number(document.querySelector('[data-testid=file-transfer][data-direction=in]')"
                    + "?.dataset.bytes) >= n", (double) (size * 3 / 10), new Page.WaitForFunctionOptions().setTimeout(120_000));

            // signaling drops: the room forgets b, both ends close the pair's connection, b comes back
            // under a new signaling id with the same client id
            b.page.evaluate("() => window.__sockets.forEach((s) => s.close())");
            Locator in = row(b, "in", "verified");
            in.waitFor(new Locator.WaitForOptions().setTimeout(150_000));
            long resumedFrom = attr(in, "data-resumed-from");
            waitRows(a, "out", "verified", 1);
            long sentTotal = attr(row(a, "out", "verified"), "data-sent-total");
            System.out.printf("break: resumed from %.1f MB of %.1f MB; sender sent %.1f MB in all%n",
                    resumedFrom / (double) MB, size / (double) MB, sentTotal / (double) MB);
            assertThat(resumedFrom).isGreaterThanOrEqualTo(size / 4).isLessThan(size);
            assertThat(sentTotal).isLessThan(size * 3 / 2);
            assertThat(b.page.locator("[data-testid=file-transfer][data-direction=in]").count())
                    .as("the same row went on").isOne();
            assertThat(download(b, in)).isEqualTo(sha);
            assertThat(stored(b)).noneMatch(n -> n.endsWith(".rec"));
        }
    }

    @Test
    void twoTabsOfOneBrowserGetTheirOwnClientIdsAndBothReceiveTheSameFile() throws Exception {
        Path file = dir.resolve("both-tabs.bin");
        String sha = write(file, 5 * MB, 17);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            Page tab = b.context.newPage(); // a second tab: same storage, same OPFS, same localStorage
            tab.setDefaultTimeout(RoomPage.TIMEOUT_MS);
            tab.navigate(web.server().url() + "/room/" + room);
            tab.locator("[data-testid=connection][data-state=joined]").waitFor();
            a.waitConnectedTo(2);
            String first = (String) b.page.evaluate("() => sessionStorage.getItem('switchboard.client')");
            String second = (String) tab.evaluate("() => sessionStorage.getItem('switchboard.client')");
            assertThat(first).isNotBlank();
            assertThat(second).isNotBlank().isNotEqualTo(first);
            assertThat(b.page.evaluate("() => localStorage.getItem('switchboard.client')")).isEqualTo(first);

            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-accept").click();
            tab.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]")
                    .getByTestId("file-accept").click();
            waitRows(b, "in", "verified", 1);
            tab.locator("[data-testid=file-transfer][data-direction=in][data-state=verified]").waitFor(
                    new Locator.WaitForOptions().setTimeout(60_000));
            waitRows(a, "out", "verified", 2);
            assertThat(download(b, row(b, "in", "verified"))).isEqualTo(sha);

            tab.reload();
            tab.locator("[data-testid=connection][data-state=joined]").waitFor();
            assertThat(tab.evaluate("() => sessionStorage.getItem('switchboard.client')")).as("kept across a reload")
                    .isEqualTo(second);
        }
    }

    @Test
    void aSenderWhoReloadsAndSendsTheSameFileAgainContinuesWhereTheReceiverStopped() throws Exception {
        long size = 30 * MB;
        Path file = dir.resolve("again.bin");
        String sha = write(file, size, 18);
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            row(b, "in", "offered").getByTestId("file-accept").click();
            b.page.waitForFunction("n => Number(document.querySelector('[data-testid=file-transfer][data-direction=in]')"
                    + "?.dataset.bytes) >= n", (double) (size * 3 / 10), new Page.WaitForFunctionOptions().setTimeout(120_000));
            a.page.reload();
            a.waitJoined();
            row(b, "in", "interrupted").waitFor();
            a.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            Locator in = row(b, "in", "verified");
            in.waitFor(new Locator.WaitForOptions().setTimeout(120_000));
            assertThat(attr(in, "data-resumed-from")).isGreaterThanOrEqualTo(size / 4);
            assertThat(row(b, "in", "offered").count()).as("accepted without asking again").isZero();
            assertThat(download(b, in)).isEqualTo(sha);
        }
    }
}
