package dev.switchboard.net.demux;

import io.netty.buffer.ByteBuf;

/**
 * Tells protocols apart by the first bytes of a stream, without consuming them: a TLS record of type
 * handshake starts with 0x16 (RFC 8446 section 5.1); a STUN message has its two top bits zero and the
 * magic cookie 0x2112A442 at bytes 4 to 7 (RFC 8489 section 5); HTTP request lines start with a method
 * token, which is neither. At most {@link #DECISIVE} bytes are ever needed.
 */
public final class FirstBytes {
    /** Bytes after which every stream is decided: the end of the STUN magic cookie. */
    public static final int DECISIVE = 8;
    static final int TLS_HANDSHAKE = 0x16;
    static final int MAGIC_COOKIE = 0x2112A442;

    private FirstBytes() {}

    /** Classifies the readable bytes of {@code in} (reader index untouched). */
    public static FirstFlight classify(ByteBuf in) {
        int n = in.readableBytes();
        if (n == 0) {
            return FirstFlight.UNDECIDED;
        }
        int at = in.readerIndex();
        int first = in.getUnsignedByte(at);
        if (first == TLS_HANDSHAKE) {
            return FirstFlight.TLS;
        }
        if ((first & 0xC0) != 0) {
            return FirstFlight.OTHER;
        }
        // Possibly STUN: every cookie byte that has arrived must match.
        for (int i = 4; i < DECISIVE; i++) {
            if (i >= n) {
                return FirstFlight.UNDECIDED;
            }
            int expected = (MAGIC_COOKIE >>> (8 * (DECISIVE - 1 - i))) & 0xFF;
            if (in.getUnsignedByte(at + i) != expected) {
                return FirstFlight.OTHER;
            }
        }
        return FirstFlight.STUN;
    }
}
