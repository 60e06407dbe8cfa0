package dev.switchboard.stun;

import java.nio.ByteBuffer;

/**
 * MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6): HMAC-SHA256, possibly truncated to 16..32 bytes in
 * steps of four. This server always sends the full 32 bytes.
 */
public record MessageIntegritySha256(byte[] hmac) implements StunAttribute {
    public static final int LENGTH = 32;

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY_SHA256;
    }

    @Override
    public int valueLength() {
        return hmac.length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(hmac);
    }

    static MessageIntegritySha256 decode(ByteBuffer v) throws StunFormatException {
        int n = v.remaining();
        if (n < 16 || n > 32 || n % 4 != 0) {
            throw new StunFormatException("MESSAGE-INTEGRITY-SHA256: bad length " + n);
        }
        byte[] b = new byte[n];
        v.get(b);
        return new MessageIntegritySha256(b);
    }
}
