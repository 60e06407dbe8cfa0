package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** EVEN-PORT (RFC 8656 section 18.6): ask for an even relay port, and with R set to reserve the next one. */
public record EvenPort(boolean reserveNext) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.EVEN_PORT;
    }

    @Override
    public int valueLength() {
        return 1;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put((byte) (reserveNext ? 0x80 : 0));
    }

    static EvenPort decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 1, "EVEN-PORT");
        return new EvenPort((v.get() & 0x80) != 0);
    }
}
