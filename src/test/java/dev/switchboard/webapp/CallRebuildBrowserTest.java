package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pair whose RTCPeerConnection is gone for good while both pages stay in the room gets a new one
 * (js/peer.js): whichever end lost it, the impolite end offers the new connection, and the call's
 * video, the chat and the photo channels work again on it. The member row and the live region say
 * what is going on; a file cut off midway resumes on the new connection.
 */
@Tag("browser")
@Timeout(180)
class CallRebuildBrowserTest extends CallPages {

    @Test
    void closingTheImpoliteEndsConnectionRebuildsThePairWithCallChatAndPhotos() {
        rebuildAfterClosingOn(true);
    }

    @Test
    void closingThePoliteEndsConnectionMakesItAskForANewOneAndEverythingComesBack() {
        rebuildAfterClosingOn(false);
    }

    @Test
    void aFileCutOffByTheLostConnectionResumesOnTheNewOne(@TempDir Path dir) throws Exception {
        long size = 24L * 1024 * 1024;
        Path file = dir.resolve("across.bin");
        String sha = FileTransferBrowserTest.write(file, size, 23);
        String room = web.newRoom();
        try (RoomPage a = open(room); RoomPage b = open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            FileTransferBrowserTest.row(b, "in", "offered").getByTestId("file-accept").click();
            b.page.waitForFunction("n => Number(document.querySelector('[data-testid=file-transfer][data-direction=in]')"
                    + "?.dataset.bytes) >= n", (double) (size * 3 / 10), new Page.WaitForFunctionOptions().setTimeout(120_000));

            b.page.evaluate("id => window.switchboardTest.closeConnection(id)", selfId(a));
            Locator in = FileTransferBrowserTest.row(b, "in", "verified");
            in.waitFor(new Locator.WaitForOptions().setTimeout(120_000));
            long resumedFrom = FileRobustnessBrowserTest.attr(in, "data-resumed-from");
            System.out.printf("file across a rebuilt connection: resumed from %.1f MB of %.1f MB%n",
                    resumedFrom / 1048576.0, size / 1048576.0);
            assertThat(resumedFrom).as("continued from what the receiver held").isGreaterThanOrEqualTo(size / 4).isLessThan(size);
            assertThat(((Number) b.page.evaluate("id => window.switchboardTest.connection(id).gen", selfId(a))).intValue())
                    .isEqualTo(1);
            FileTransferBrowserTest.waitRows(a, "out", "verified", 1);
            assertThat(FileRobustnessBrowserTest.download(b, in)).isEqualTo(sha);
        }
    }

    private void rebuildAfterClosingOn(boolean impolite) {
        String room = web.newRoom();
        try (RoomPage x = open(room); RoomPage y = open(room)) {
            x.waitConnectedTo(1);
            y.waitConnectedTo(1);
            // the impolite end is the one with the smaller signaling id
            boolean xImpolite = selfId(x).compareTo(selfId(y)) < 0;
            RoomPage closer = xImpolite == impolite ? x : y;
            RoomPage other = closer == x ? y : x;
            String closerId = selfId(closer);
            String otherId = selfId(other);
            for (RoomPage p : List.of(x, y)) {
                joinCall(p);
            }
            for (RoomPage p : List.of(x, y)) {
                waitRemoteVideos(p, 1, 30_000);
            }
            sendChat(closer, "before");
            waitChat(other, "before");

            closer.page.evaluate("id => window.switchboardTest.closeConnection(id)", otherId);
            long lostAt = System.nanoTime();
            closer.page.waitForFunction("id => document.querySelector(`[data-testid=peer-state][data-peer=\"${id}\"]`)"
                    + ".dataset.state === 'rebuilding'", otherId);
            assertThat(closer.page.locator("[data-testid=peer-state][data-peer=\"" + otherId + "\"]").textContent())
                    .startsWith("reconnecting (try 1 of 5)");
            for (RoomPage p : List.of(closer, other)) {
                String peer = p == closer ? otherId : closerId;
                p.page.waitForFunction("id => { const c = window.switchboardTest.connection(id);"
                        + " return c && c.gen === 1 && c.state === 'connected'; }", peer,
                        new Page.WaitForFunctionOptions().setTimeout(30_000));
            }
            System.out.printf("new connection (closed on the %s end) connected after %d ms%n",
                    impolite ? "impolite" : "polite", (System.nanoTime() - lostAt) / 1_000_000);
            closer.waitConnectedTo(1);
            other.waitConnectedTo(1);
            closer.page.waitForFunction("() => document.querySelector('[data-testid=announce-polite]').textContent"
                    + ".startsWith('Connected to ')");

            for (RoomPage p : List.of(x, y)) {
                waitRemoteVideos(p, 1, 30_000);
                List<Integer> frames = framesAdvancing(p);
                assertThat(frames).hasSize(1);
                assertThat(frames.get(0)).as("remote frames in 1.5 s on the new connection").isGreaterThan(3);
            }
            sendChat(closer, "after from the closer");
            waitChat(other, "after from the closer");
            sendChat(other, "after from the other");
            waitChat(closer, "after from the other");

            String sha = other.snap();
            other.send();
            closer.received(0);
            assertThat(closer.received(0).getAttribute("data-sha256")).isEqualTo(sha);
            assertThat(closer.received(0).getAttribute("data-path")).isEqualTo("direct");

            Map<?, ?> state = (Map<?, ?>) other.page.evaluate("id => window.switchboardTest.connection(id)", closerId);
            assertThat(state.get("gen")).isEqualTo(1);
            for (RoomPage p : List.of(x, y)) {
                assertThat(p.problems).isEmpty();
            }
        }
    }
}
