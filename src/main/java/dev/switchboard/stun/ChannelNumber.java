package dev.switchboard.stun;

import java.nio.ByteBuffer;

/**
 * CHANNEL-NUMBER (RFC 8656 section 18.1): a 16-bit channel number followed by two reserved bytes.
 * RFC 8656 uses 0x4000 to 0x4FFF; RFC 5766 allowed up to 0x7FFF and older clients still use that range,
 * so it is accepted.
 */
public record ChannelNumber(int number) implements StunAttribute {
    public static final int MIN = 0x4000;
    public static final int MAX = 0x7FFF;

    public boolean valid() {
        return number >= MIN && number <= MAX;
    }

    @Override
    public int type() {
        return AttributeType.CHANNEL_NUMBER;
    }

    @Override
    public int valueLength() {
        return 4;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.putShort((short) number).putShort((short) 0);
    }

    static ChannelNumber decode(ByteBuffer v) throws StunFormatException {
        FixedCodec.expect(v, 4, "CHANNEL-NUMBER");
        return new ChannelNumber(v.getShort() & 0xFFFF);
    }
}
