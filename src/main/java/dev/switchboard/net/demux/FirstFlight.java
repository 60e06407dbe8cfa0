package dev.switchboard.net.demux;

/** What the first bytes of a connection say it speaks. */
public enum FirstFlight {
    /** Not enough bytes yet to tell. */
    UNDECIDED,
    /** A TLS record carrying a handshake message (content type 22: the ClientHello). */
    TLS,
    /** A STUN message (RFC 8489 section 5: first two bits zero, magic cookie at bytes 4 to 7): TURN over a stream. */
    STUN,
    /** Anything else: handed to HTTP, whose codec answers what it cannot parse with 400. */
    OTHER
}
