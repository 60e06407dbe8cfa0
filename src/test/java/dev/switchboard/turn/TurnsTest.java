package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** TURN over TLS with coturn's client (-S), on the development certificate shared with HTTPS. */
@Tag("external")
class TurnsTest {

    @Test
    void uclientRelaysOverTls() throws Exception {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        int tlsPort = TestServer.freePort();
        int peerPort = TestServer.freePort();
        try (TestServer server = TestServer.start(Map.of("turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("127.0.0.1/32"), "turn.tls-port", tlsPort));
             AutoCloseable peer = CoturnTools.peer(peerPort)) {
            assertThat(server.server().turnsPort()).isEqualTo(tlsPort);
            assertThat(server.server().turnCredentials().urls("127.0.0.1"))
                    .contains("turns:127.0.0.1:" + tlsPort + "?transport=tcp");
            Thread.sleep(300);
            String out = CoturnTools.run(60, "turnutils_uclient", "-S", "-t", "-p", Integer.toString(tlsPort),
                    "-u", "alice", "-w", "wonderland", "-e", "127.0.0.1", "-r", Integer.toString(peerPort),
                    "-l", "171", "-n", "30", "-m", "2", "127.0.0.1");
            CoturnTools.Totals t = CoturnTools.totals(out);
            assertThat(t.sent()).as(out).isEqualTo(60);
            assertThat(t.received()).as(out).isEqualTo(60);
            assertThat(t.lost()).isZero();
        }
    }
}
