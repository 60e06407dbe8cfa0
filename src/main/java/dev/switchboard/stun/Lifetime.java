package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** LIFETIME (RFC 8656 section 18.2): seconds until the allocation expires, unsigned 32 bits. */
public record Lifetime(long seconds) implements StunAttribute {

    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("lifetime out of range: " + seconds);
        }
    }

    @Override
    public int type() {
        return AttributeType.LIFETIME;
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.putInt((int) seconds);
    }

    static Lifetime decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 4, "LIFETIME");
        return new Lifetime(v.getInt() & 0xFFFFFFFFL);
    }
}
