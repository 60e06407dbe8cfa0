package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/** The way back to one client (a UDP source address on a listener, or a TCP connection). */
public interface ClientLink {

    FiveTuple fiveTuple();

    /** Where frames towards this client are allocated. */
    ByteBufAllocator alloc();

    /** True over TCP and TLS, where ChannelData is padded to four bytes (RFC 8656 section 12.5). */
    boolean stream();

    /**
     * The largest frame this link carries: one UDP datagram's payload (65507 bytes over IPv4, 65527 over
     * IPv6), or on a stream the largest STUN message (20-byte header plus a 16-bit length).
     */
    default int maxFrame() {
        if (stream()) {
            return Frames.MAX_STUN_MESSAGE;
        }
        return fiveTuple().client().getAddress() instanceof java.net.Inet4Address ? Frames.MAX_UDP_PAYLOAD_V4
                : Frames.MAX_UDP_PAYLOAD_V6;
    }

    /** Sends one STUN message or ChannelData frame; takes ownership of {@code frame}. */
    void write(ByteBuf frame);

    /**
     * Turns this connection into a data connection joined byte for byte to {@code peer} (RFC 6062
     * section 5.4), after the frames already written. False when this link cannot (UDP).
     */
    default boolean splice(PeerConnection peer) {
        return false;
    }

    default void send(byte[] stun) {
        write(Unpooled.wrappedBuffer(stun));
    }
}
