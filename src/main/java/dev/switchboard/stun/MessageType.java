package dev.switchboard.stun;

/**
 * The 14-bit STUN message type: a 12-bit method with the two class bits interleaved
 * (RFC 8489 section 5, figure 3).
 */
public record MessageType(int method, MessageClass messageClass) {

    public MessageType {
        if (method < 0 || method > 0xFFF) {
            throw new IllegalArgumentException("method out of range: " + method);
        }
    }

    public static MessageType request(int method) {
        return new MessageType(method, MessageClass.REQUEST);
    }

    public MessageType success() {
        return new MessageType(method, MessageClass.SUCCESS);
    }

    public MessageType error() {
        return new MessageType(method, MessageClass.ERROR);
    }

    /** The 16-bit field as on the wire (top two bits zero). */
    public int encode() {
        int c = messageClass.bits();
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((c & 1) << 4) | ((c & 2) << 7);
    }

    public static MessageType decode(int field) {
        int method = (field & 0x000F) | ((field & 0x00E0) >> 1) | ((field & 0x3E00) >> 2);
        int c = ((field >> 4) & 1) | ((field >> 7) & 2);
        return new MessageType(method, MessageClass.of(c));
    }
}
