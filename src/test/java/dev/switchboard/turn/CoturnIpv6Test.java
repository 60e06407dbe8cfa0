package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestServer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * IPv6 relays (RFC 6156, now part of RFC 8656) on real sockets: coturn's turnutils_uclient asks for an
 * IPv6 relay (-x) over IPv6 loopback and relays through us to turnutils_peer on ::1, over UDP and TCP,
 * with channels and Send indications. uclient also claims the port it reserved with EVEN-PORT, with the
 * RESERVATION-TOKEN alone, as RFC 8656 section 7.2 wants.
 */
@Tag("external")
class CoturnIpv6Test {
    static TestServer server;
    static AutoCloseable peer;
    static int peerPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(CoturnTools.available(), "coturn's turnutils are not installed");
        assumeTrue(hasIpv6Loopback(), "no ::1 on this host");
        server = TestServer.start(Map.of("bind", "::1", "turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("::1/128")));
        peerPort = TestServer.freePort();
        peer = CoturnTools.peer("::1", peerPort);
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

    static boolean hasIpv6Loopback() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLoopbackAddress()) {
                    return true;
                }
            }
        }
        return false;
    }

    static String relay(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-v", "-x", "-p", Integer.toString(server.turnPort()),
                "-u", "alice", "-w", "wonderland", "-e", "::1", "-r", Integer.toString(peerPort), "-l", "171",
                "-n", "50", "-m", "2"));
        args.addAll(List.of(extra));
        args.add("::1");
        return CoturnTools.run(60, "turnutils_uclient", args.toArray(String[]::new));
    }

    static void allBack(String out) {
        CoturnTools.Totals t = CoturnTools.totals(out);
        assertThat(out).contains("Received relay addr: ::1:");
        assertThat(t.sent()).as(out).isEqualTo(100);
        assertThat(t.received()).as("messages echoed back: " + out).isEqualTo(100);
        assertThat(t.lost()).isZero();
    }

    @Test
    void ipv6RelayOverUdpWithChannels() throws Exception {
        allBack(relay());
    }

    @Test
    void ipv6RelayOverUdpWithSendIndications() throws Exception {
        allBack(relay("-s"));
    }

    @Test
    void ipv6RelayOverTcp() throws Exception {
        allBack(relay("-t"));
    }
}
