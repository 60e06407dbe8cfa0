package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * coturn's own clients against a real Switchboard on loopback: turnutils_stunclient for Binding, and
 * turnutils_uclient relaying through us to turnutils_peer with static and REST credentials, over UDP and
 * TCP, with channels and with Send indications, one and many clients. Every message must come back.
 */
@Tag("external")
class CoturnClientsTest {
    static final String SECRET = "coturn-test-secret";
    static TestServer server;
    static AutoCloseable peer;
    static int peerPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        server = TestServer.start(Map.of("turn.users", List.of("alice:wonderland"), "turn.secret", SECRET,
                "turn.allow-peers", List.of("127.0.0.1/32")));
        peerPort = TestServer.freePort();
        peer = CoturnTools.peer(peerPort);
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static CoturnTools.Totals relay(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-p", Integer.toString(server.turnPort()),
                "-e", "127.0.0.1", "-r", Integer.toString(peerPort), "-l", "171"));
        args.addAll(List.of(extra));
        args.add("127.0.0.1");
        String out = CoturnTools.run(60, "turnutils_uclient", args.toArray(String[]::new));
        CoturnTools.Totals t = CoturnTools.totals(out);
        assertThat(t.sent()).as(out).isPositive();
        return t;
    }

    static void allBack(CoturnTools.Totals t, long expected) {
        assertThat(t.sent()).isEqualTo(expected);
        assertThat(t.received()).as("messages echoed back").isEqualTo(expected);
        assertThat(t.lost()).isZero();
    }

    @Test
    void stunclientLearnsItsReflexiveAddress() throws Exception {
        String out = CoturnTools.run(10, "turnutils_stunclient", "-p", Integer.toString(server.turnPort()), "127.0.0.1");
        assertThat(out).contains("UDP reflexive addr: 127.0.0.1:");
    }

    @Test
    void staticUserOverUdpWithChannels() throws Exception {
        allBack(relay("-u", "alice", "-w", "wonderland", "-n", "50", "-m", "2"), 100);
    }

    @Test
    void staticUserOverTcpWithChannels() throws Exception {
        allBack(relay("-t", "-u", "alice", "-w", "wonderland", "-n", "50", "-m", "2"), 100);
    }

    @Test
    void sendIndicationsOverUdpAndTcp() throws Exception {
        allBack(relay("-s", "-u", "alice", "-w", "wonderland", "-n", "50", "-m", "2"), 100);
        allBack(relay("-s", "-t", "-u", "alice", "-w", "wonderland", "-n", "50", "-m", "2"), 100);
    }

    @Test
    void restCredentialsOverUdpAndTcp() throws Exception {
        allBack(relay("-W", SECRET, "-u", "web", "-n", "50", "-m", "2"), 100);
        allBack(relay("-t", "-W", SECRET, "-u", "web", "-n", "50", "-m", "2"), 100);
    }

    @Test
    void wrongRestSecretIsRefused() throws Exception {
        List<String> args = List.of("-p", Integer.toString(server.turnPort()), "-W", "not-the-secret", "-u", "web",
                "-e", "127.0.0.1", "-r", Integer.toString(peerPort), "-n", "5", "-m", "1", "127.0.0.1");
        String out = CoturnTools.run(20, "turnutils_uclient", args.toArray(String[]::new));
        assertThat(CoturnTools.totals(out).received()).isLessThanOrEqualTo(0);
    }

    @Test
    void manyClientsAtLightLoad() throws Exception {
        allBack(relay("-u", "alice", "-w", "wonderland", "-n", "20", "-m", "10"), 200);
    }

    @Test
    void loopbackPeerIsRefusedUnlessAllowed() throws Exception {
        try (TestServer strict = TestServer.start(Map.of("turn.users", List.of("alice:wonderland")))) {
            String port = Integer.toString(strict.turnPort());
            String channels = CoturnTools.run(20, "turnutils_uclient", "-p", port, "-u", "alice", "-w", "wonderland",
                    "-e", "127.0.0.1", "-r", Integer.toString(peerPort), "-n", "5", "-m", "1", "127.0.0.1");
            assertThat(channels).contains("channel bind: error 403");
            String send = CoturnTools.run(20, "turnutils_uclient", "-s", "-p", port, "-u", "alice", "-w", "wonderland",
                    "-e", "127.0.0.1", "-r", Integer.toString(peerPort), "-n", "5", "-m", "1", "127.0.0.1");
            assertThat(send).contains("create permission error 403");
            assertThat(CoturnTools.totals(send).received()).isLessThanOrEqualTo(0);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
