package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** XOR_MAPPED_ADDRESS (RFC 8489 section 14.2). */
public record XorMappedAddress(TransportAddress address) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.XOR_MAPPED_ADDRESS;
    }

    @Override
    public int valueLength() {
        return AddressCodec.length(address);
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        AddressCodec.write(out, address, tid, true);
    }

    static XorMappedAddress decode(ByteBuffer v, TransactionId tid) throws StunFormatException {
        return new XorMappedAddress(AddressCodec.read(v, tid, true, "XOR_MAPPED_ADDRESS"));
    }
}
