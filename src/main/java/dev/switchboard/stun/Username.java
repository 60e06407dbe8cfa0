package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** USERNAME, UTF-8, at most 513 bytes (RFC 8489 section 14.3). */
public record Username(String value) implements StunAttribute {
    static final int MAX_BYTES = 513;

    public Username {
        TextCodec.check(value, MAX_BYTES, "USERNAME");
    }

    @Override
    public int type() {
        return AttributeType.USERNAME;
    }

    @Override
    public int valueLength() {
        return TextCodec.bytes(value).length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(TextCodec.bytes(value));
    }

    static Username decode(ByteBuffer v) throws StunFormatException {
        return new Username(TextCodec.read(v, MAX_BYTES, "USERNAME"));
    }
}
