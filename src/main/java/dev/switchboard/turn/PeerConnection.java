package dev.switchboard.turn;

import java.net.InetSocketAddress;

/**
 * One TCP connection between a relay and a peer (RFC 6062 section 2). Nothing is read from the peer
 * until it is spliced to a client data connection ({@link ClientLink#splice}).
 */
public interface PeerConnection {

    InetSocketAddress peer();

    boolean isOpen();

    void close();
}
