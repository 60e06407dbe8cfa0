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

    /** Sends one STUN message or ChannelData frame; takes ownership of {@code frame}. */
    void write(ByteBuf frame);

    default void send(byte[] stun) {
        write(Unpooled.wrappedBuffer(stun));
    }
}
