package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** REQUESTED-TRANSPORT (RFC 8656 section 18.7): the IP protocol number of the relay (17 = UDP, 6 = TCP). */
public record RequestedTransport(int protocol) implements StunAttribute {
    public static final int UDP = 17;
    public static final int TCP = 6;

    @Override
    public int type() {
        return AttributeType.REQUESTED_TRANSPORT;
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put((byte) protocol).put((byte) 0).putShort((short) 0);
    }

    static RequestedTransport decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 4, "REQUESTED-TRANSPORT");
        return new RequestedTransport(v.get() & 0xFF);
    }
}
