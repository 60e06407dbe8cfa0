package dev.switchboard.turn.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.net.EventLoops;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.turn.ClientLink;
import dev.switchboard.turn.FiveTuple;
import dev.switchboard.turn.Relay;
import dev.switchboard.turn.RelayFactory;
import dev.switchboard.turn.RelayReceiver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Relay sockets on real event loops: a relay lives on the thread of the client it serves. */
class UdpRelaysTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A UDP client reached through a listener on {@code loop}. */
    record Link(EventLoop loop, InetSocketAddress client) implements ClientLink, LoopBound {
        @Override
        public FiveTuple fiveTuple() {
            return new FiveTuple(FiveTuple.Protocol.UDP, client, new InetSocketAddress(LOOPBACK, 3478));
        }

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public boolean stream() {
            return false;
        }

        @Override
        public void write(ByteBuf frame) {
            frame.release();
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }
    }

    /** Completes with the relays, noting whether the answer came on {@code loop}. */
    static final class Outcome implements RelayFactory.Opened {
        final EventLoop loop;
        final CompletableFuture<Relay[]> relays = new CompletableFuture<>();
        volatile boolean onLoop;

        Outcome(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void relay(Relay relay, Relay reserved) {
            onLoop = loop.inEventLoop();
            relays.complete(new Relay[] {relay, reserved});
        }

        @Override
        public void failed(int errorCode) {
            relays.completeExceptionally(new IllegalStateException("failed " + errorCode));
        }
    }

    @Test
    void aReservationClaimedFromAnotherThreadMovesTheRelayToThatThread() throws Exception {
        try (EventLoops loops = new EventLoops(2);
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            peer.setSoTimeout(3000);
            Iterator<?> it = loops.workers().iterator();
            EventLoop first = (EventLoop) it.next();
            EventLoop second = (EventLoop) it.next();
            UdpRelays relays = new UdpRelays(loops, ConfigLoader.load(null, Map.of(), Map.of()).turn());

            Outcome evenPort = new Outcome(first);
            Link owner = new Link(first, new InetSocketAddress(LOOPBACK, 40001));
            first.execute(() -> relays.open(owner, TransportAddress.FAMILY_IPV4, true, true, (p, b) -> { }, evenPort));
            Relay reserved = evenPort.relays.get(5, TimeUnit.SECONDS)[1];
            assertThat(reserved).isNotNull();

            BlockingQueue<String> arrived = new ArrayBlockingQueue<>(4);
            RelayReceiver receiver = (from, payload) -> arrived.add(second.inEventLoop() + " "
                    + payload.toString(StandardCharsets.US_ASCII));
            Outcome claimed = new Outcome(second);
            Link claimant = new Link(second, new InetSocketAddress(LOOPBACK, 40002));
            second.execute(() -> reserved.attach(claimant, receiver, claimed));
            Relay relay = claimed.relays.get(5, TimeUnit.SECONDS)[0];

            assertThat(relay).isSameAs(reserved);
            assertThat(claimed.onLoop).as("answered on the claimant's thread").isTrue();
            assertThat(((UdpRelays.UdpRelay) relay).eventLoop()).isSameAs(second);

            byte[] hello = "from the peer".getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(hello, hello.length, new InetSocketAddress(LOOPBACK, relay.advertised().getPort())));
            assertThat(arrived.poll(3, TimeUnit.SECONDS)).isEqualTo("true from the peer");

            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            second.execute(() -> relay.send(peerAddress, Unpooled.copiedBuffer("to the peer", StandardCharsets.US_ASCII)));
            DatagramPacket back = new DatagramPacket(new byte[64], 64);
            peer.receive(back);
            assertThat(new String(back.getData(), 0, back.getLength(), StandardCharsets.US_ASCII)).isEqualTo("to the peer");
            assertThat(back.getPort()).isEqualTo(relay.advertised().getPort());

            evenPort.relays.get()[0].close();
            relay.close();
        }
    }
}
