package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** DATA (RFC 8656 section 18.4): the application payload of a Send or Data indication. */
public record Data(byte[] bytes) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.DATA;
    }

    @Override
    public int valueLength() {
        return bytes.length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(bytes);
    }

    static Data decode(ByteBuffer v) {
        byte[] b = new byte[v.remaining()];
        v.get(b);
        return new Data(b);
    }
}
