package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** Length checks shared by the fixed-size attributes. */
final class FixedCodec {
    private FixedCodec() {}

    static void expect(ByteBuffer v, int length, String name) throws StunFormatException {
        if (v.remaining() != length) {
            throw new StunFormatException(name + ": bad length " + v.remaining());
        }
    }
}
