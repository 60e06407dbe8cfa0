package dev.switchboard.turn;

import dev.switchboard.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two frames on the relay path, written straight into pooled buffers without building messages:
 * ChannelData (RFC 8656 section 12.4) and the Data indication (section 11.4).
 */
public final class Frames {
    public static final int CHANNEL_DATA_HEADER = 4;
    /** The largest UDP payload over IPv4: 65535 less the 20-byte IP and 8-byte UDP headers. */
    public static final int MAX_UDP_PAYLOAD_V4 = 65_507;
    /** The largest UDP payload over IPv6 without jumbograms: the 16-bit payload length less 8 bytes. */
    public static final int MAX_UDP_PAYLOAD_V6 = 65_527;
    /** The largest STUN message: the 20-byte header and a 16-bit body length. */
    public static final int MAX_STUN_MESSAGE = StunMessage.HEADER_LENGTH + 0xFFFF;
    private static final int DATA_INDICATION = 0x0017;
    private static final int XOR_PEER_ADDRESS = 0x0012;
    private static final int DATA = 0x0013;

    private Frames() {}

    /** True for the first byte of a ChannelData message (channel numbers 0x4000 to 0x7FFF, RFC 5766). */
    public static boolean isChannelData(int firstByte) {
        return (firstByte & 0xC0) == 0x40;
    }

    /** The size of a ChannelData frame carrying {@code payload} bytes, padded on streams. */
    public static int channelDataLength(int payload, boolean pad) {
        return CHANNEL_DATA_HEADER + payload + (pad ? -payload & 3 : 0);
    }

    /** The size of a Data indication carrying {@code payload} bytes from an IPv4 or IPv6 peer. */
    public static int dataIndicationLength(boolean v4, int payload) {
        return StunMessage.HEADER_LENGTH + 4 + (v4 ? 8 : 20) + 4 + payload + (-payload & 3);
    }

    public static ByteBuf channelData(ByteBufAllocator alloc, int channel, ByteBuf payload, boolean pad) {
        int len = payload.readableBytes();
        int padding = pad ? (-len & 3) : 0;
        ByteBuf out = alloc.directBuffer(CHANNEL_DATA_HEADER + len + padding);
        out.writeShort(channel).writeShort(len).writeBytes(payload, payload.readerIndex(), len);
        out.writeZero(padding);
        return out;
    }

    public static ByteBuf dataIndication(ByteBufAllocator alloc, InetSocketAddress peer, ByteBuf payload) {
        int len = payload.readableBytes();
        boolean v4 = peer.getAddress() instanceof Inet4Address;
        int addressLength = v4 ? 8 : 20;
        int body = 4 + addressLength + 4 + len + (-len & 3);
        ByteBuf out = alloc.directBuffer(StunMessage.HEADER_LENGTH + body);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int t0 = r.nextInt();
        int t1 = r.nextInt();
        int t2 = r.nextInt();
        out.writeShort(DATA_INDICATION).writeShort(body).writeInt(StunMessage.MAGIC_COOKIE)
                .writeInt(t0).writeInt(t1).writeInt(t2);
        out.writeShort(XOR_PEER_ADDRESS).writeShort(addressLength).writeByte(0).writeByte(v4 ? 1 : 2)
                .writeShort(peer.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16));
        byte[] ip = peer.getAddress().getAddress(); // small copy: control-path cost on the Data indication fallback
        int[] mask = {StunMessage.MAGIC_COOKIE, t0, t1, t2};
        for (int i = 0; i < ip.length; i++) {
            out.writeByte(ip[i] ^ (mask[i >> 2] >>> (24 - 8 * (i & 3))));
        }
        out.writeShort(DATA).writeShort(len).writeBytes(payload, payload.readerIndex(), len).writeZero(-len & 3);
        return out;
    }
}
