package dev.switchboard.turn;

import java.net.InetSocketAddress;

/**
 * A TCP relayed transport address (RFC 6062 section 5.1): a listening socket peers connect to, and the
 * address the server connects to peers from. It carries no datagrams: {@link #send} drops them.
 */
public interface TcpRelay extends Relay {

    /** Connects from the relayed address to {@code peer}; calls back exactly once, on the relay's thread. */
    void connect(InetSocketAddress peer, Connected connected);

    /** The outcome of {@link #connect}. */
    interface Connected {
        void connected(PeerConnection connection);

        void failed();
    }

    /** Receives the connections peers open to a TCP relay (on the relay's thread); reading waits for a splice. */
    interface Accepted {
        void accepted(PeerConnection connection);
    }
}
