package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** ADDRESS-ERROR-CODE (RFC 8656 section 18.12): why the relay of one address family was not allocated. */
public record AddressErrorCode(int family, int code, String reason) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.ADDRESS_ERROR_CODE;
    }

    @Override
    public int valueLength() {
        return 4 + TextCodec.bytes(reason).length;
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        out.put((byte) family).put((byte) 0).put((byte) (code / 100)).put((byte) (code % 100)).put(TextCodec.bytes(reason));
    }

    static AddressErrorCode decode(ByteBuffer v) throws StunFormatException {
        if (v.remaining() < 4) {
            throw new StunFormatException("ADDRESS-ERROR-CODE: too short");
        }
        int family = v.get(v.position()) & 0xFF;
        ErrorCode e = ErrorCode.decode(v, "ADDRESS-ERROR-CODE");
        return new AddressErrorCode(family, e.code(), e.reason());
    }
}
