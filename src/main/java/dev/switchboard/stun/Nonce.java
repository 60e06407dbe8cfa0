package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** NONCE, UTF-8, at most 763 bytes (RFC 8489 section 14.10). */
public record Nonce(String value) implements StunAttribute {
    static final int MAX_BYTES = 763;

    public Nonce {
        TextCodec.check(value, MAX_BYTES, "NONCE");
    }

    @Override
    public int type() {
        return AttributeType.NONCE;
    }

    @Override
    public int valueLength() {
        return TextCodec.bytes(value).length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(TextCodec.bytes(value));
    }

    static Nonce decode(ByteBuffer v) throws StunFormatException {
        return new Nonce(TextCodec.read(v, MAX_BYTES, "NONCE"));
    }
}
