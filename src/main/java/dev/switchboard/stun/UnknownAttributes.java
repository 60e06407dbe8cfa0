package dev.switchboard.stun;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** UNKNOWN-ATTRIBUTES (RFC 8489 section 14.13): the comprehension-required types a 420 answer did not understand. */
public record UnknownAttributes(List<Integer> types) implements StunAttribute {

    public UnknownAttributes {
        types = List.copyOf(types);
    }

    @Override
    public int type() {
        return AttributeType.UNKNOWN_ATTRIBUTES;
    }

    @Override
    public int valueLength() {
        return 2 * types.size();
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        for (int t : types) {
            out.putShort((short) t);
        }
    }

    static UnknownAttributes decode(ByteBuffer v) throws StunFormatException {
        if (v.remaining() % 2 != 0) {
            throw new StunFormatException("UNKNOWN-ATTRIBUTES: odd length");
        }
        List<Integer> t = new ArrayList<>();
        while (v.hasRemaining()) {
            t.add(v.getShort() & 0xFFFF);
        }
        return new UnknownAttributes(t);
    }
}
