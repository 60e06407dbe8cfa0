package dev.switchboard.stun;

import java.nio.ByteBuffer;

/**
 * {@link StunMessage} to bytes (RFC 8489 sections 5, 14): attributes padded to four bytes, then
 * optionally MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 (with the given key) and FINGERPRINT.
 */
public final class StunEncoder {
    private StunEncoder() {}

    /** How to protect an outgoing message. */
    public record Protection(byte[] key, boolean sha256, boolean fingerprint) {
        public static final Protection NONE = new Protection(null, false, false);
        public static final Protection FINGERPRINT = new Protection(null, false, true);
    }

    public static byte[] encode(StunMessage m) {
        return encode(m, Protection.NONE);
    }

    public static byte[] encode(StunMessage m, Protection p) {
        int length = 0;
        for (StunAttribute a : m.attributes()) {
            length += 4 + pad(a.valueLength());
        }
        int integrityLength = p.key() == null ? 0 : p.sha256() ? MessageIntegritySha256.LENGTH : MessageIntegrity.LENGTH;
        int total = StunMessage.HEADER_LENGTH + length + (integrityLength > 0 ? 4 + integrityLength : 0)
                + (p.fingerprint() ? 8 : 0);
        if (total - StunMessage.HEADER_LENGTH > 0xFFFF) {
            throw new IllegalArgumentException("message too long: " + total);
        }
        byte[] out = new byte[total];
        ByteBuffer buf = ByteBuffer.wrap(out);
        buf.putShort((short) m.type().encode()).putShort((short) 0).putInt(StunMessage.MAGIC_COOKIE)
                .put(m.transactionId().bytes());
        for (StunAttribute a : m.attributes()) {
            int vlen = a.valueLength();
            buf.putShort((short) a.type()).putShort((short) vlen);
            int start = buf.position();
            a.writeValue(buf, m.transactionId());
            if (buf.position() - start != vlen) {
                throw new IllegalStateException(a + " wrote " + (buf.position() - start) + " bytes, declared " + vlen);
            }
            buf.position(start + pad(vlen));
        }
        if (integrityLength > 0) {
            int at = buf.position();
            byte[] mac = Integrity.hmac(p.sha256() ? Integrity.HMAC_SHA256 : Integrity.HMAC_SHA1, p.key(), out, at,
                    4 + integrityLength);
            buf.putShort((short) (p.sha256() ? AttributeType.MESSAGE_INTEGRITY_SHA256 : AttributeType.MESSAGE_INTEGRITY))
                    .putShort((short) integrityLength).put(mac, 0, integrityLength);
        }
        int bodyLength = total - StunMessage.HEADER_LENGTH;
        out[2] = (byte) (bodyLength >> 8);
        out[3] = (byte) bodyLength;
        if (p.fingerprint()) {
            int at = buf.position();
            buf.putShort((short) AttributeType.FINGERPRINT).putShort((short) 4).putInt(Fingerprint.compute(out, at));
        }
        return out;
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }
}
