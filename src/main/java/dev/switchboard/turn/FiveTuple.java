package dev.switchboard.turn;

import java.net.InetSocketAddress;

/** Client address, server address and transport: what identifies an allocation (RFC 8656 section 2). */
public record FiveTuple(Protocol protocol, InetSocketAddress client, InetSocketAddress server) {

    /** The client-to-server transport. */
    public enum Protocol { UDP, TCP, TLS }
}
