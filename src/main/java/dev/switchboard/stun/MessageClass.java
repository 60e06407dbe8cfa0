package dev.switchboard.stun;

/** The two class bits of the STUN message type (RFC 8489 section 5). */
public enum MessageClass {
    REQUEST, INDICATION, SUCCESS, ERROR;

    static MessageClass of(int bits) {
        return values()[bits & 3];
    }

    int bits() {
        return ordinal();
    }
}
