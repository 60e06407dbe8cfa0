package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A spoofed-source flood over real UDP to the real server on loopback: unauthenticated Bindings,
 * Allocates (answered 401 with REALM and NONCE, each bigger than its request) and bare Allocates (too
 * malformed to answer) from one source, as fast as the socket sends them. The bytes sent back must not
 * exceed the bytes received: the per-source budget (default burst 20, 10 a second) bounds the total.
 */
class AmplificationTest {
    static final int EACH = 1000;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSpoofedFloodGetsBackFewerBytesThanItSent() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetSocketAddress to = new InetSocketAddress(loopback, server.turnPort());
        byte[][] kinds = {
            StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.BINDING), TransactionId.random())),
            StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.ALLOCATE), TransactionId.random(),
                    new RequestedTransport(RequestedTransport.UDP))),
            StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.ALLOCATE), TransactionId.random())),
        };
        long in = 0;
        long out = 0;
        int answers = 0;
        try (DatagramSocket victim = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            victim.setReceiveBufferSize(1 << 22);
            for (int i = 0; i < EACH; i++) {
                for (byte[] k : kinds) {
                    victim.send(new DatagramPacket(k, k.length, to));
                    in += k.length;
                }
            }
            victim.setSoTimeout(1000);
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    victim.receive(p);
                } catch (SocketTimeoutException quiet) {
                    break;
                }
                out += p.getLength();
                answers++;
            }
        }
        System.out.printf("amplification: %d requests, %d bytes in, %d answers, %d bytes out, ratio %.4f%n",
                3 * EACH, in, answers, out, (double) out / in);
        assertThat(answers).as("the burst is answered").isGreaterThanOrEqualTo(20);
        assertThat(out).as("bytes out vs %d bytes in", in).isLessThanOrEqualTo(in);
        assertThat(answers).as("far fewer answers than requests").isLessThan(EACH / 4);
    }
}
