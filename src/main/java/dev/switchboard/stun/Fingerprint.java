package dev.switchboard.stun;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message up to this attribute, XOR 0x5354554E. */
public record Fingerprint(int crc) implements StunAttribute {
    static final int XOR = 0x5354554E;

    @Override
    public int type() {
        return AttributeType.FINGERPRINT;
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.putInt(crc);
    }

    static int compute(byte[] message, int length) {
        CRC32 crc = new CRC32();
        crc.update(message, 0, length);
        return (int) crc.getValue() ^ XOR;
    }

    static Fingerprint decode(ByteBuffer v) throws StunFormatException {
        if (v.remaining() != 4) {
            throw new StunFormatException("FINGERPRINT: bad length " + v.remaining());
        }
        return new Fingerprint(v.getInt());
    }
}
