package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** One relayed transport address: a UDP socket the server sends to peers from (RFC 8656 section 2). */
public interface Relay {

    /** The address advertised in XOR-RELAYED-ADDRESS (the external address when behind NAT). */
    InetSocketAddress advertised();

    /** Sends one datagram to {@code peer}; takes ownership of {@code payload}. */
    void send(InetSocketAddress peer, ByteBuf payload);

    /**
     * Hands a reserved relay to the allocation that claimed it with RESERVATION-TOKEN (RFC 8656 section
     * 7.2): datagrams from peers go to {@code receiver} from now on, and the relay moves to {@code owner}'s
     * thread where the owner has one, so that its relay path stays on one thread like any other. Calls
     * {@code attached} exactly once, on the owner's thread where there is one: with this relay, or
     * failed (508) when it could not be moved, in which case it is closed.
     */
    void attach(ClientLink owner, RelayReceiver receiver, RelayFactory.Opened attached);

    void close();
}
