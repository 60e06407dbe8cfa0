package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** DONT-FRAGMENT (RFC 8656 section 18.8): no value. */
public record DontFragment() implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.DONT_FRAGMENT;
    }

    @Override
    public int valueLength() {
        return 0;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {}

    static DontFragment decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 0, "DONT-FRAGMENT");
        return new DontFragment();
    }
}
