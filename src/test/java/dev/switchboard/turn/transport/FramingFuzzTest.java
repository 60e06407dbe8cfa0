package dev.switchboard.turn.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.turn.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;

/**
 * Coverage-guided fuzzing of the TCP framing of STUN and ChannelData (Jazzer): a stream cut into
 * pieces of any size comes out as whole frames, in order, that are exactly a prefix of the stream, or
 * the connection is closed at a first byte that is neither; every buffer is released. ChannelData
 * built by {@link Frames#channelData} reads back to its channel number and payload.
 */
class FramingFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void tcpStream(FuzzedDataProvider in) {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpFramer());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        while (in.remainingBytes() > 0 && ch.isOpen()) {
            byte[] piece = in.consumeBytes(1 + in.consumeInt(0, 600));
            sent.writeBytes(piece);
            ch.writeInbound(Unpooled.wrappedBuffer(piece));
            ByteBuf frame;
            while ((frame = ch.readInbound()) != null) {
                try {
                    int first = frame.getUnsignedByte(0);
                    int length = frame.getUnsignedShort(2);
                    int expected = first < 4 ? 20 + length : 4 + length + (-length & 3);
                    assertThat(frame.readableBytes()).isEqualTo(expected);
                    byte[] b = new byte[frame.readableBytes()];
                    frame.getBytes(0, b);
                    framed.writeBytes(b);
                } finally {
                    frame.release();
                }
            }
        }
        ch.finishAndReleaseAll();
        byte[] all = sent.toByteArray();
        byte[] out = framed.toByteArray();
        assertThat(out.length).isLessThanOrEqualTo(all.length);
        assertThat(java.util.Arrays.equals(out, 0, out.length, all, 0, out.length)).isTrue();
    }

    @FuzzTest(maxDuration = "5m")
    void channelData(FuzzedDataProvider in) {
        int channel = in.consumeInt(0x4000, 0x4FFF);
        boolean pad = in.consumeBoolean();
        byte[] payload = in.consumeBytes(0xFFFF);
        ByteBuf p = Unpooled.wrappedBuffer(payload);
        ByteBuf frame = Frames.channelData(ByteBufAllocator.DEFAULT, channel, p, pad);
        try {
            assertThat(Frames.isChannelData(frame.getUnsignedByte(0))).isTrue();
            assertThat(frame.getUnsignedShort(0)).isEqualTo(channel);
            assertThat(frame.getUnsignedShort(2)).isEqualTo(payload.length);
            assertThat(frame.readableBytes()).isEqualTo(Frames.channelDataLength(payload.length, pad));
            byte[] back = new byte[payload.length];
            frame.getBytes(4, back);
            assertThat(back).isEqualTo(payload);
        } finally {
            frame.release();
            if (p.refCnt() > 0) {
                p.release();
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void dataIndication(FuzzedDataProvider in) throws Exception {
        byte[] address = in.consumeBytes(in.consumeBoolean() ? 4 : 16);
        if (address.length != 4 && address.length != 16) {
            return;
        }
        java.net.InetSocketAddress peer = new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(address),
                in.consumeInt(0, 65535));
        byte[] payload = in.consumeBytes(0xFFFF - 48);
        ByteBuf p = Unpooled.wrappedBuffer(payload);
        ByteBuf frame = Frames.dataIndication(ByteBufAllocator.DEFAULT, peer, p);
        try {
            byte[] wire = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), wire);
            assertThat(wire.length).isEqualTo(Frames.dataIndicationLength(
                    peer.getAddress() instanceof java.net.Inet4Address, payload.length));
            dev.switchboard.stun.StunMessage m = dev.switchboard.stun.StunDecoder.decode(wire);
            assertThat(m.get(dev.switchboard.stun.XorPeerAddress.class).address())
                    .isEqualTo(dev.switchboard.stun.TransportAddress.of(peer));
            assertThat(m.get(dev.switchboard.stun.Data.class).bytes()).isEqualTo(payload);
        } finally {
            frame.release();
            if (p.refCnt() > 0) {
                p.release();
            }
        }
    }
}
