package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.media.ServerChild;
import dev.switchboard.testing.TestServer;
import io.netty.channel.uring.IoUring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TURN on the io_uring transport, with coturn's client: ten clients, each an RTP allocation with a
 * reservation for RTCP claimed by a second allocation (often from a socket on another event loop), all
 * relay every message. A claimed relay that tried to move to its owner's loop used to hang there, and
 * the claiming Allocate was never answered.
 */
@Tag("external")
class IoUringRelayTest {
    @TempDir
    Path work;

    @Test
    void reservationsClaimedAcrossEventLoopsRelayEveryMessageOnIoUring() throws Exception {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        assumeTrue(IoUring.isAvailable(), "io_uring is not available on this host");
        int turnPort = TestServer.freePort();
        int peerPort = TestServer.freePort();
        Path log = work.resolve("server.log");
        Map<String, String> settings = Map.of("SWITCHBOARD_TRANSPORT", "io_uring",
                "SWITCHBOARD_TURN_PORT", Integer.toString(turnPort), "SWITCHBOARD_TURN_USERS", "alice:wonderland",
                "SWITCHBOARD_TURN_ALLOW_PEERS", "127.0.0.1/32", "SWITCHBOARD_TURN_MAX_ALLOCATIONS_PER_USER", "1000");
        try (AutoCloseable peer = CoturnTools.peer(peerPort);
             ServerChild server = ServerChild.start(ServerChild.javaCommand(), Files.createDirectories(work.resolve("data")),
                     TestServer.freePort(), settings, log)) {
            assertThat(Files.readString(log)).as("the server runs on io_uring").contains("io_uring");
            String out = CoturnTools.run(60, "turnutils_uclient", "-p", Integer.toString(turnPort), "-e", "127.0.0.1",
                    "-r", Integer.toString(peerPort), "-l", "171", "-u", "alice", "-w", "wonderland",
                    "-m", "10", "-n", "20", "127.0.0.1");
            CoturnTools.Totals t = CoturnTools.totals(out);
            assertThat(t.sent()).as(out).isEqualTo(200);
            assertThat(t.received()).as("messages echoed back").isEqualTo(200);
        }
    }
}
