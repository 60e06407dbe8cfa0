package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TCP relays (RFC 6062) driven by coturn's {@code turnutils_uclient -T}: pairs of clients each allocate
 * a TCP relay, Connect to the other's relay address, receive ConnectionAttempt, open data connections
 * with ConnectionBind, and exchange every message over the spliced connections. Off by default (442).
 * uclient takes each message from its data connection in one read of exactly the message's size and counts
 * one lost when fewer bytes are waiting, so these tests also fail when the relay cuts the stream where its
 * sender did not (a peer's two 1200-byte messages forwarded as 2048 + 352 cost one message in about a
 * quarter of the runs before SpliceHandler flushed a whole read loop at once).
 */
@Tag("external")
class TcpRelayTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        server = TestServer.start(Map.of("turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("127.0.0.1/32"), "turn.tcp-relay", true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String uclient(int port, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-T", "-u", "alice", "-w", "wonderland",
                "-p", Integer.toString(port)));
        args.addAll(List.of(extra));
        args.add("127.0.0.1");
        return CoturnTools.run(60, "turnutils_uclient", args.toArray(String[]::new));
    }

    @Test
    void clientPairsExchangeEveryMessageOverTcpRelays() throws Exception {
        String out = uclient(server.turnPort(), "-n", "50", "-m", "2", "-l", "171");
        CoturnTools.Totals t = CoturnTools.totals(out);
        assertThat(t.sent()).as(out).isEqualTo(100);
        assertThat(t.received()).as(out).isEqualTo(100);
        assertThat(t.lost()).isZero();
    }

    @Test
    void manyPairsWithLargerMessages() throws Exception {
        String out = uclient(server.turnPort(), "-n", "40", "-m", "8", "-l", "1200");
        CoturnTools.Totals t = CoturnTools.totals(out);
        assertThat(t.received()).as(out).isEqualTo(320);
        assertThat(t.lost()).isZero();
    }

    @Test
    void tcpRelaysAreOffByDefault() throws Exception {
        try (TestServer plain = TestServer.start(Map.of("turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("127.0.0.1/32")))) {
            String out = uclient(plain.turnPort(), "-n", "5", "-m", "2");
            assertThat(out).contains("442");
            assertThat(CoturnTools.totals(out).received()).isLessThanOrEqualTo(0);
        }
    }
}
