package dev.switchboard.turn.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.XorMappedAddress;
import dev.switchboard.turn.RelayFactory;
import dev.switchboard.turn.Ticker;
import dev.switchboard.turn.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Netty handlers on EmbeddedChannel: demultiplexing, TCP framing, no answers to garbage, no leaks. */
class TurnHandlersTest {
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 3478);

    final TurnServer server = new TurnServer(ConfigLoader.load(null, Map.of(), Map.of()).turn(), new byte[] {1},
            Ticker.SYSTEM, (RelayFactory) (link, family, even, reserve, receiver, opened) -> opened.failed(508));

    /** An EmbeddedChannel with IP addresses, as the handlers expect from real sockets. */
    static final class IpChannel extends EmbeddedChannel {
        IpChannel(ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress localAddress0() {
            return LOCAL;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return CLIENT;
        }
    }

    static byte[] binding() {
        return StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.BINDING), TransactionId.random()));
    }

    @Test
    void udpBindingIsAnsweredToTheSender() throws Exception {
        EmbeddedChannel ch = new IpChannel(new UdpHandler(server));
        ByteBuf in = Unpooled.wrappedBuffer(binding());
        ch.writeInbound(new DatagramPacket(in, LOCAL, CLIENT));
        assertThat(in.refCnt()).isZero();
        DatagramPacket out = ch.readOutbound();
        try {
            assertThat(out.recipient()).isEqualTo(CLIENT);
            StunMessage m = StunDecoder.decode(ByteBufUtil.getBytes(out.content()));
            assertThat(m.type()).isEqualTo(new MessageType(StunMethod.BINDING, MessageClass.SUCCESS));
            assertThat(m.get(XorMappedAddress.class).address().toSocketAddress()).isEqualTo(CLIENT);
        } finally {
            out.release();
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void malformedAndUnknownDatagramsGetNoAnswerAndAreReleased() {
        EmbeddedChannel ch = new IpChannel(new UdpHandler(server));
        byte[] truncated = java.util.Arrays.copyOf(binding(), 19);
        byte[] badLength = binding();
        badLength[3] = 8;
        List<byte[]> inputs = List.of(new byte[0], new byte[] {0}, truncated, badLength,
                new byte[] {(byte) 0x80, 0, 0, 0, 1, 2, 3, 4}, // RTP-like
                new byte[] {0x40, 0, 0, 9, 1},                  // ChannelData longer than the datagram
                new byte[] {0x40, 0, 0, 1, 7, 0, 0, 0});        // ChannelData without an allocation
        List<ByteBuf> sent = new ArrayList<>();
        for (byte[] b : inputs) {
            ByteBuf in = Unpooled.directBuffer().writeBytes(b);
            sent.add(in);
            ch.writeInbound(new DatagramPacket(in, LOCAL, CLIENT));
        }
        assertThat(sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void tcpFramerCutsSplitAndCoalescedFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpFramer());
        byte[] stun = binding();
        byte[] channelData = {0x40, 0x01, 0, 3, 1, 2, 3, 0}; // padded to four over TCP
        ByteBuf all = Unpooled.buffer().writeBytes(stun).writeBytes(channelData).writeBytes(stun);
        ch.writeInbound(all.readRetainedSlice(7));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(all.readRetainedSlice(30));
        ch.writeInbound(all.readRetainedSlice(all.readableBytes()));
        all.release();
        List<byte[]> frames = new ArrayList<>();
        for (ByteBuf f; (f = ch.readInbound()) != null;) {
            frames.add(ByteBufUtil.getBytes(f));
            f.release();
        }
        assertThat(frames).hasSize(3);
        assertThat(frames.get(0)).isEqualTo(stun);
        assertThat(frames.get(1)).isEqualTo(channelData);
        assertThat(frames.get(2)).isEqualTo(stun);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void tcpGarbageClosesTheConnectionWithoutAnAnswer() {
        EmbeddedChannel ch = new IpChannel(new TcpFramer(), new TcpHandler(server, dev.switchboard.turn.FiveTuple.Protocol.TCP));
        // a TLS ClientHello sent to the plain port: first byte 0x16 is neither STUN nor ChannelData
        ByteBuf garbage = Unpooled.buffer().writeBytes(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0, 0});
        ch.writeInbound(garbage);
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.finishAndReleaseAll();
        assertThat(garbage.refCnt()).isZero();

        EmbeddedChannel ch2 = new IpChannel(new TcpFramer(), new TcpHandler(server, dev.switchboard.turn.FiveTuple.Protocol.TCP));
        byte[] badFingerprint = StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.BINDING),
                TransactionId.random()), StunEncoder.Protection.FINGERPRINT);
        badFingerprint[badFingerprint.length - 1] ^= 1;
        ch2.writeInbound(Unpooled.wrappedBuffer(badFingerprint));
        assertThat(ch2.isOpen()).isFalse();
        assertThat((Object) ch2.readOutbound()).isNull();
        ch2.finishAndReleaseAll();
    }

    @Test
    void tcpBindingIsAnsweredOnTheConnection() throws Exception {
        EmbeddedChannel ch = new IpChannel(new TcpFramer(), new TcpHandler(server, dev.switchboard.turn.FiveTuple.Protocol.TCP));
        ch.writeInbound(Unpooled.wrappedBuffer(binding()));
        ByteBuf out = ch.readOutbound();
        try {
            StunMessage m = StunDecoder.decode(ByteBufUtil.getBytes(out));
            assertThat(m.get(XorMappedAddress.class).address().toSocketAddress()).isEqualTo(CLIENT);
        } finally {
            out.release();
        }
        ByteBuf orphan = Unpooled.buffer().writeBytes(new byte[] {0x40, 0, 0, 2, 1, 2, 0, 0});
        ch.writeInbound(orphan);
        assertThat(orphan.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
