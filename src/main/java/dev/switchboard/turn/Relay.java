package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** One relayed transport address: a UDP socket the server sends to peers from (RFC 8656 section 2). */
public interface Relay {

    /** The address advertised in XOR-RELAYED-ADDRESS (the external address when behind NAT). */
    InetSocketAddress advertised();

    /** Sends one datagram to {@code peer}; takes ownership of {@code payload}. */
    void send(InetSocketAddress peer, ByteBuf payload);

    /** Where datagrams from peers go from now on (a reserved relay gets its allocation late). */
    void attach(RelayReceiver receiver);

    void close();
}
