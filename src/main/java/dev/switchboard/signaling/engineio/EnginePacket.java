package dev.switchboard.signaling.engineio;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO v4 packet (engine.io-protocol v4, "Packet encoding"): a type and either a text payload
 * or, for binary messages, bytes. Immutable; the byte array is never handed out for writing.
 */
public final class EnginePacket {
    /** Packet types and their one-digit wire codes. */
    public enum Type {
        OPEN('0'), CLOSE('1'), PING('2'), PONG('3'), MESSAGE('4'), UPGRADE('5'), NOOP('6');

        private static final Type[] BY_CODE = values();

        final char code;

        Type(char code) {
            this.code = code;
        }

        static Type of(char c) {
            return c >= '0' && c <= '6' ? BY_CODE[c - '0'] : null;
        }
    }

    public static final EnginePacket PING = new EnginePacket(Type.PING, "", null);
    public static final EnginePacket PONG = new EnginePacket(Type.PONG, "", null);
    public static final EnginePacket NOOP = new EnginePacket(Type.NOOP, "", null);
    public static final EnginePacket CLOSE = new EnginePacket(Type.CLOSE, "", null);
    public static final EnginePacket PROBE_PONG = new EnginePacket(Type.PONG, "probe", null);

    private final Type type;
    private final String text;
    private final byte[] binary;

    private EnginePacket(Type type, String text, byte[] binary) {
        this.type = Objects.requireNonNull(type);
        this.text = text;
        this.binary = binary;
    }

    public static EnginePacket of(Type type, String text) {
        return new EnginePacket(type, text == null ? "" : text, null);
    }

    public static EnginePacket message(String text) {
        return new EnginePacket(Type.MESSAGE, text, null);
    }

    /** A binary message; the array is copied. */
    public static EnginePacket binary(byte[] bytes) {
        return new EnginePacket(Type.MESSAGE, null, bytes.clone());
    }

    static EnginePacket binaryOwned(byte[] bytes) {
        return new EnginePacket(Type.MESSAGE, null, bytes);
    }

    public Type type() {
        return type;
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The text payload ("" when none); null for binary messages. */
    public String text() {
        return text;
    }

    /** A copy of the binary payload. */
    public byte[] bytes() {
        return binary == null ? null : binary.clone();
    }

    /** The payload's length: bytes of a binary message, characters of a text one (no copy). */
    public int length() {
        return binary != null ? binary.length : text.length();
    }

    int binaryLength() {
        return binary == null ? 0 : binary.length;
    }

    byte[] bytesUnsafe() {
        return binary;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnginePacket p && p.type == type && Objects.equals(p.text, text)
                && Arrays.equals(p.binary, binary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, text, Arrays.hashCode(binary));
    }

    @Override
    public String toString() {
        return type + (binary != null ? "<" + binary.length + " bytes>" : "\"" + text + "\"");
    }
}
