package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** SOFTWARE, UTF-8, at most 763 bytes (RFC 8489 section 14.14; decoded, never sent by this server). */
public record Software(String value) implements StunAttribute {
    static final int MAX_BYTES = 763;

    public Software {
        TextCodec.check(value, MAX_BYTES, "SOFTWARE");
    }

    @Override
    public int type() {
        return AttributeType.SOFTWARE;
    }

    @Override
    public int valueLength() {
        return TextCodec.bytes(value).length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(TextCodec.bytes(value));
    }

    static Software decode(ByteBuffer v) throws StunFormatException {
        return new Software(TextCodec.read(v, MAX_BYTES, "SOFTWARE"));
    }
}
