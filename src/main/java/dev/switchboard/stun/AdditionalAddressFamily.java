package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** ADDITIONAL_ADDRESS_FAMILY (RFC 8656 section 18.11): an address family, 0x01 IPv4 or 0x02 IPv6, and three reserved bytes. */
public record AdditionalAddressFamily(int family) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.ADDITIONAL_ADDRESS_FAMILY;
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put((byte) family).put((byte) 0).putShort((short) 0);
    }

    static AdditionalAddressFamily decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 4, "ADDITIONAL_ADDRESS_FAMILY");
        return new AdditionalAddressFamily(v.get() & 0xFF);
    }
}
