package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** RESERVATION-TOKEN (RFC 8656 section 18.9): eight opaque bytes naming a reserved relay port. */
public record ReservationToken(byte[] token) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.RESERVATION_TOKEN;
    }

    @Override
    public int valueLength() {
        return 8;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put(token);
    }

    static ReservationToken decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 8, "RESERVATION-TOKEN");
        byte[] b = new byte[8];
        v.get(b);
        return new ReservationToken(b);
    }
}
