package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** Where a relay delivers what peers send to it. */
public interface RelayReceiver {
    /** A datagram from {@code peer}; the caller keeps ownership of {@code payload}. */
    void fromPeer(InetSocketAddress peer, ByteBuf payload);
}
