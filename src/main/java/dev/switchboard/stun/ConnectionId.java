package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** CONNECTION-ID (RFC 6062 section 6.2.1): names one peer data connection of a TCP allocation, 32 bits. */
public record ConnectionId(int id) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.CONNECTION_ID;
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.putInt(id);
    }

    static ConnectionId decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 4, "CONNECTION-ID");
        return new ConnectionId(v.getInt());
    }
}
