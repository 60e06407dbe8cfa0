package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** XOR_RELAYED_ADDRESS (RFC 8656 section 18.5). */
public record XorRelayedAddress(TransportAddress address) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.XOR_RELAYED_ADDRESS;
    }

    @Override
    public int valueLength() {
        return AddressCodec.length(address);
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        AddressCodec.write(out, address, tid, true);
    }

    static XorRelayedAddress decode(ByteBuffer v, TransactionId tid) throws StunFormatException {
        return new XorRelayedAddress(AddressCodec.read(v, tid, true, "XOR_RELAYED_ADDRESS"));
    }
}
