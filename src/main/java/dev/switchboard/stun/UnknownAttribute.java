package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** Any attribute this codec has no type for, kept as raw bytes (RFC 8489 section 14: the type decides). */
public record UnknownAttribute(int type, byte[] value) implements StunAttribute {

    @Override
    public int valueLength() {
        return value.length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(value);
    }
}
