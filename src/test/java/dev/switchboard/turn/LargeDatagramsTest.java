package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Datagrams far above a typical MTU, up to the largest UDP payload, cross the relay whole and
 * byte-exact in both directions, as ChannelData and as Send/Data indications (RFC 8656 sections 11
 * and 12). A datagram that cannot be framed towards the client in one UDP datagram is dropped, never
 * truncated.
 */
class LargeDatagramsTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int CHANNEL = 0x4001;
    /** The largest UDP payload over IPv4: 65535 minus the IP and UDP headers. */
    static final int MAX_UDP_V4 = 65_507;
    static TestServer server;
    UdpTurnClient client;
    DatagramSocket peer;
    InetSocketAddress relay;
    InetSocketAddress peerAddress;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("127.0.0.1/32")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void allocate() throws Exception {
        client = new UdpTurnClient(new InetSocketAddress(LOOPBACK, server.turnPort()), "alice", "wonderland", "switchboard");
        peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        peer.setReceiveBufferSize(1 << 20);
        peer.setSoTimeout(3000);
        peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        relay = client.allocate();
    }

    @AfterEach
    void close() {
        client.close();
        peer.close();
    }

    static byte[] random(int size) {
        return random(size, size);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    byte[] peerReceives() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[1 << 16], 1 << 16);
        peer.receive(p);
        assertThat(p.getSocketAddress()).isEqualTo(new InetSocketAddress(LOOPBACK, relay.getPort()));
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    void peerSends(byte[] payload) throws Exception {
        peer.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(LOOPBACK, relay.getPort())));
    }

    @ParameterizedTest
    @ValueSource(ints = {9000, 60_000, MAX_UDP_V4 - 4})
    void largeChannelDataCrossesWholeBothWays(int size) throws Exception {
        client.bind(CHANNEL, peerAddress);
        byte[] out = random(size);
        client.sendChannelData(CHANNEL, out);
        assertThat(peerReceives()).isEqualTo(out);
        byte[] back = random(size, -size);
        peerSends(back);
        byte[] frame = client.receive(3000);
        assertThat(frame).as("ChannelData of %d bytes", size).isNotNull();
        assertThat(frame.length).isEqualTo(4 + back.length);
        assertThat(UdpTurnClient.payload(frame)).isEqualTo(back);
    }

    @ParameterizedTest
    @ValueSource(ints = {9000, 60_000})
    void largeSendAndDataIndicationsCrossWhole(int size) throws Exception {
        client.permit(peerAddress);
        byte[] out = random(size);
        client.sendIndication(peerAddress, out);
        assertThat(peerReceives()).isEqualTo(out);
        byte[] back = random(size + 3); // unpadded length: the Data attribute pads
        peerSends(back);
        byte[] frame = client.receive(3000);
        assertThat(frame).isNotNull();
        assertThat(UdpTurnClient.payload(frame)).isEqualTo(back);
    }

    @Test
    void aDatagramTooLargeToFrameInOneUdpDatagramIsDroppedNotTruncated() throws Exception {
        client.bind(CHANNEL, peerAddress);
        peerSends(random(MAX_UDP_V4)); // ChannelData would need 4 bytes more than UDP carries
        byte[] small = random(100);
        peerSends(small);
        byte[] frame = client.receive(3000);
        assertThat(frame).isNotNull();
        assertThat(UdpTurnClient.payload(frame)).isEqualTo(small);
        assertThat(client.receive(300)).as("nothing else arrives").isNull();
    }

    @Test
    void aDataIndicationTooLargeForOneUdpDatagramIsDroppedNotTruncated() throws Exception {
        client.permit(peerAddress);
        peerSends(random(MAX_UDP_V4 - 4)); // fits ChannelData, not a Data indication (36 bytes of framing)
        byte[] small = random(100);
        peerSends(small);
        byte[] frame = client.receive(3000);
        assertThat(frame).isNotNull();
        assertThat(UdpTurnClient.payload(frame)).isEqualTo(small);
        assertThat(client.receive(300)).as("nothing else arrives").isNull();
    }
}
