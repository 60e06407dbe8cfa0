package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** Attribute type number to its decoder. */
final class Attributes {
    private Attributes() {}

    static StunAttribute decode(int type, ByteBuffer v, TransactionId tid) throws StunFormatException {
        return switch (type) {
            case AttributeType.XOR_MAPPED_ADDRESS -> XorMappedAddress.decode(v, tid);
            case AttributeType.XOR_PEER_ADDRESS -> XorPeerAddress.decode(v, tid);
            case AttributeType.XOR_RELAYED_ADDRESS -> XorRelayedAddress.decode(v, tid);
            case AttributeType.MAPPED_ADDRESS -> MappedAddress.decode(v, tid);
            case AttributeType.USERNAME -> Username.decode(v);
            case AttributeType.REALM -> Realm.decode(v);
            case AttributeType.NONCE -> Nonce.decode(v);
            case AttributeType.SOFTWARE -> Software.decode(v);
            case AttributeType.ERROR_CODE -> ErrorCode.decode(v);
            case AttributeType.LIFETIME -> Lifetime.decode(v);
            case AttributeType.REQUESTED_TRANSPORT -> RequestedTransport.decode(v);
            case AttributeType.CHANNEL_NUMBER -> ChannelNumber.decode(v);
            case AttributeType.DATA -> Data.decode(v);
            case AttributeType.DONT_FRAGMENT -> DontFragment.decode(v);
            case AttributeType.EVEN_PORT -> EvenPort.decode(v);
            case AttributeType.RESERVATION_TOKEN -> ReservationToken.decode(v);
            case AttributeType.REQUESTED_ADDRESS_FAMILY -> RequestedAddressFamily.decode(v);
            case AttributeType.ADDITIONAL_ADDRESS_FAMILY -> AdditionalAddressFamily.decode(v);
            case AttributeType.ADDRESS_ERROR_CODE -> AddressErrorCode.decode(v);
            case AttributeType.UNKNOWN_ATTRIBUTES -> UnknownAttributes.decode(v);
            case AttributeType.CONNECTION_ID -> ConnectionId.decode(v);
            default -> {
                byte[] b = new byte[v.remaining()];
                v.get(b);
                yield new UnknownAttribute(type, b);
            }
        };
    }
}
