package dev.switchboard.stun;

import java.nio.ByteBuffer;

/**
 * One attribute of a STUN message (RFC 8489 section 14): a type, and a value written without the
 * padding (the encoder pads to four bytes).
 */
public sealed interface StunAttribute permits XorMappedAddress, XorPeerAddress, XorRelayedAddress, MappedAddress,
        Username, Realm, Nonce, Software, ErrorCode, MessageIntegrity, MessageIntegritySha256, Fingerprint,
        Lifetime, RequestedTransport, ChannelNumber, Data, DontFragment, EvenPort, ReservationToken,
        RequestedAddressFamily, AdditionalAddressFamily, AddressErrorCode, UnknownAttributes, UnknownAttribute,
        ConnectionId {

    int type();

    /** Length of the value in bytes, without padding. */
    int valueLength();

    /** Writes the value (no header, no padding); address attributes need the transaction id to XOR. */
    void writeValue(ByteBuffer out, TransactionId tid);
}
