package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real NAT between the peers ({@link NatLab}): peer A behind router A's masquerade cannot send a
 * single datagram to peer B (neither to its private address nor to its router), yet coturn's
 * turnutils_uclient in A's namespace gets every byte echoed by turnutils_peer in B's namespace when it
 * relays through a Switchboard running in the server namespace. The default peer deny-list refuses the
 * private peer (403); the operator's {@code --turn-allow-peer 10.2.0.0/24} opens it. The servers are real
 * {@code Main} processes started inside the server namespace.
 */
@Tag("external")
class NatTraversalTest {
    static final int STRICT_PORT = 3478;
    static final int OPEN_PORT = 3479;
    static final int PEER_PORT = 4000;
    static final StringBuffer LOG = new StringBuffer();
    static NatLab lab;

    @BeforeAll
    static void start() throws Exception {
        String reason = NatLab.unavailable();
        assumeTrue(reason == null, reason);
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        lab = NatLab.create();
        lab.start(lab.b, ProcessBuilder.Redirect.DISCARD, "timeout", "-k", "2", "600", "turnutils_peer",
                "-L", NatLab.B_IP, "-p", Integer.toString(PEER_PORT));
        CountDownLatch strict = switchboard(lab, STRICT_PORT);
        CountDownLatch open = switchboard(lab, OPEN_PORT, "--turn-allow-peer", "10.2.0.0/24");
        assertThat(strict.await(60, TimeUnit.SECONDS)).as("default server started: %s", LOG).isTrue();
        assertThat(open.await(60, TimeUnit.SECONDS)).as("allowing server started: %s", LOG).isTrue();
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Starts {@code Main} in the server namespace on {@code port}; the latch opens when it is serving. */
    static CountDownLatch switchboard(NatLab lab, int port, String... extra) throws IOException {
        Path data = Files.createTempDirectory("switchboard-nat");
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.switchboard.Main", "--bind", "0.0.0.0", "--http-port", "0", "--https-port", "0", "--turn-port", Integer.toString(port),
                "--turn-user", "alice:wonderland", "--data-dir", data.toString()));
        cmd.addAll(List.of(extra));
        Process p = lab.start(lab.server, ProcessBuilder.Redirect.PIPE, cmd.toArray(String[]::new));
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    LOG.append(port).append(": ").append(line).append('\n');
                    if (line.contains("Switchboard is running")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "switchboard-" + port);
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** What {@link UdpProbe} in namespace {@code ns} hears back from {@code host:port}. */
    static String probe(String ns, String host, int port) throws IOException {
        String classes = Path.of(UdpProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        return lab.run(ns, 30, java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes,
                UdpProbe.class.getName(), host, Integer.toString(port), "1200").output().strip();
    }

    static String uclient(int serverPort, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("turnutils_uclient", "-p", Integer.toString(serverPort),
                "-u", "alice", "-w", "wonderland", "-e", NatLab.B_IP, "-r", Integer.toString(PEER_PORT)));
        args.addAll(List.of(extra));
        args.add(NatLab.SERVER_IP);
        return lab.run(lab.a, 60, args.toArray(String[]::new)).output();
    }

    static void allBack(String out, long expected) {
        CoturnTools.Totals t = CoturnTools.totals(out);
        assertThat(t.sent()).as(out).isEqualTo(expected);
        assertThat(t.received()).as("messages echoed back through the NAT and the relay").isEqualTo(expected);
        assertThat(t.lost()).isZero();
    }

    @Test
    void peersBehindTheNatCannotReachEachOtherDirectly() throws Exception {
        // the control: B's echo peer answers a host that has a route, so silence below means no path
        assertThat(probe(lab.server, NatLab.B_IP, PEER_PORT)).startsWith("echo /" + NatLab.B_IP);
        assertThat(probe(lab.a, NatLab.B_IP, PEER_PORT)).doesNotStartWith("echo");
        assertThat(probe(lab.a, NatLab.ROUTER_B_IP, PEER_PORT)).doesNotStartWith("echo");
    }

    @Test
    void stunShowsThePeerItsRoutersPublicAddress() throws Exception {
        String out = lab.run(lab.a, 10, "turnutils_stunclient", "-p", Integer.toString(STRICT_PORT), NatLab.SERVER_IP).output();
        assertThat(out).contains("UDP reflexive addr: " + NatLab.ROUTER_A_IP + ":");
    }

    @Test
    void theDefaultDenyListRefusesThePrivatePeer() throws Exception {
        String channels = uclient(STRICT_PORT, "-n", "5", "-m", "1");
        assertThat(channels).contains("channel bind: error 403");
        String send = uclient(STRICT_PORT, "-s", "-n", "5", "-m", "1");
        assertThat(send).contains("create permission error 403");
        assertThat(CoturnTools.totals(send).received()).isLessThanOrEqualTo(0);
    }

    @Test
    void anAllowedPrivatePeerGetsEveryByteThroughTheRelayOverUdp() throws Exception {
        allBack(uclient(OPEN_PORT, "-n", "50", "-m", "2", "-l", "171"), 100);
        allBack(uclient(OPEN_PORT, "-s", "-n", "50", "-m", "2", "-l", "171"), 100);
    }

    @Test
    void anAllowedPrivatePeerGetsEveryByteThroughTheRelayOverTcp() throws Exception {
        allBack(uclient(OPEN_PORT, "-t", "-n", "50", "-m", "2", "-l", "171"), 100);
    }
}
