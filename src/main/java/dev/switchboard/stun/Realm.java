package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** REALM, UTF-8, at most 763 bytes (RFC 8489 section 14.9). */
public record Realm(String value) implements StunAttribute {
    static final int MAX_BYTES = 763;

    public Realm {
        TextCodec.check(value, MAX_BYTES, "REALM");
    }

    @Override
    public int type() {
        return AttributeType.REALM;
    }

    @Override
    public int valueLength() {
        return TextCodec.bytes(value).length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(TextCodec.bytes(value));
    }

    static Realm decode(ByteBuffer v) throws StunFormatException {
        return new Realm(TextCodec.read(v, MAX_BYTES, "REALM"));
    }
}
