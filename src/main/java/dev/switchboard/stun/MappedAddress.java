package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** MAPPED_ADDRESS (RFC 8489 section 14.1). */
public record MappedAddress(TransportAddress address) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.MAPPED_ADDRESS;
    }

    @Override
    public int valueLength() {
        return AddressCodec.length(address);
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        AddressCodec.write(out, address, tid, false);
    }

    static MappedAddress decode(ByteBuffer v, TransactionId tid) throws StunFormatException {
        return new MappedAddress(AddressCodec.read(v, tid, false, "MAPPED_ADDRESS"));
    }
}
