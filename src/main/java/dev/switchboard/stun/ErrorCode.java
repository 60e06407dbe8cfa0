package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** ERROR-CODE (RFC 8489 section 14.8): a code from 300 to 699 and a reason phrase (may be empty). */
public record ErrorCode(int code, String reason) implements StunAttribute {
    public static final int TRY_ALTERNATE = 300;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHENTICATED = 401;
    public static final int FORBIDDEN = 403;
    public static final int UNKNOWN_ATTRIBUTE = 420;
    public static final int ALLOCATION_MISMATCH = 437;
    public static final int STALE_NONCE = 438;
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    public static final int WRONG_CREDENTIALS = 441;
    public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    public static final int CONNECTION_ALREADY_EXISTS = 446;
    public static final int CONNECTION_TIMEOUT_OR_FAILURE = 447;
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    public static final int SERVER_ERROR = 500;
    public static final int INSUFFICIENT_CAPACITY = 508;
    static final int MAX_REASON_BYTES = 763;

    public ErrorCode {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code out of range: " + code);
        }
        TextCodec.check(reason, MAX_REASON_BYTES, "reason phrase");
    }

    public static ErrorCode of(int code) {
        return new ErrorCode(code, "");
    }

    @Override
    public int type() {
        return AttributeType.ERROR_CODE;
    }

    @Override
    public int valueLength() {
        return 4 + TextCodec.bytes(reason).length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.putShort((short) 0).put((byte) (code / 100)).put((byte) (code % 100)).put(TextCodec.bytes(reason));
    }

    static ErrorCode decode(ByteBuffer v) throws StunFormatException {
        return decode(v, "ERROR-CODE");
    }

    static ErrorCode decode(ByteBuffer v, String name) throws StunFormatException {
        if (v.remaining() < 4) {
            throw new StunFormatException(name + ": too short");
        }
        v.getShort();
        int hundreds = v.get() & 0x07;
        int rest = v.get() & 0xFF;
        if (hundreds < 3 || hundreds > 6 || rest > 99) {
            throw new StunFormatException(name + ": code out of range");
        }
        return new ErrorCode(hundreds * 100 + rest, TextCodec.read(v, MAX_REASON_BYTES, name));
    }
}
