package dev.switchboard.stun;

import java.nio.ByteBuffer;

/**
 * MESSAGE-INTEGRITY (RFC 8489 section 14.5): HMAC-SHA1 over the message up to this attribute. Decoded
 * for inspection; the encoder computes it (see {@link StunEncoder}) and {@link StunMessage} verifies it.
 */
public record MessageIntegrity(byte[] hmac) implements StunAttribute {
    public static final int LENGTH = 20;

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY;
    }

    @Override
    public int valueLength() {
        return LENGTH;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(hmac);
    }

    static MessageIntegrity decode(ByteBuffer v) throws StunFormatException {
        if (v.remaining() != LENGTH) {
            throw new StunFormatException("MESSAGE-INTEGRITY: bad length " + v.remaining());
        }
        byte[] b = new byte[LENGTH];
        v.get(b);
        return new MessageIntegrity(b);
    }
}
