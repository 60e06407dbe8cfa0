package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real clients against one port number ({@code single-port}): curl over HTTPS and plain HTTP, and
 * coturn's turnutils_uclient over TLS (-S), TCP (-t) and UDP, relaying to turnutils_peer.
 */
@Tag("external")
class SinglePortClientsTest {
    static TestServer server;
    static int port;
    static int peerPort;
    static AutoCloseable peer;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        port = TestServer.freePort();
        peerPort = TestServer.freePort();
        server = TestServer.start(Map.of("single-port", port, "turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("127.0.0.1/32")));
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

    @Test
    void curlGetsHttpsAndPlainHttp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        String cert = server.dataDir().resolve("tls/dev-cert.pem").toString();
        String https = CoturnTools.run(20, "curl", "-sS", "--cacert", cert, "-w", "\n%{http_code} %{scheme}",
                "https://localhost:" + port + "/healthz");
        assertThat(https).as(https).contains("\"up\"").endsWith("200 HTTPS");
        String http = CoturnTools.run(20, "curl", "-sS", "-w", "\n%{http_code} %{scheme}",
                "http://127.0.0.1:" + port + "/api/ice-servers");
        assertThat(http).as(http).contains("turns:127.0.0.1:" + port + "?transport=tcp")
                .contains("turn:127.0.0.1:" + port + "?transport=udp").endsWith("200 HTTP");
    }

    @Test
    void uclientRelaysOverTlsOnTheSharedPort() throws Exception {
        allBack(relay("-S", "-t"));
    }

    @Test
    void uclientRelaysOverTcpOnTheSharedPort() throws Exception {
        allBack(relay("-t"));
    }

    @Test
    void uclientRelaysOverUdpOnTheSameNumber() throws Exception {
        allBack(relay());
    }

    private static String relay(String... transport) throws Exception {
        List<String> args = new ArrayList<>(List.of(transport));
        args.addAll(List.of("-p", Integer.toString(port), "-u", "alice", "-w", "wonderland", "-e", "127.0.0.1",
                "-r", Integer.toString(peerPort), "-l", "171", "-n", "30", "-m", "2", "127.0.0.1"));
        return CoturnTools.run(60, "turnutils_uclient", args.toArray(String[]::new));
    }

    private static void allBack(String out) {
        CoturnTools.Totals t = CoturnTools.totals(out);
        assertThat(t.sent()).as(out).isEqualTo(60);
        assertThat(t.received()).as(out).isEqualTo(60);
        assertThat(t.lost()).as(out).isZero();
    }
}
