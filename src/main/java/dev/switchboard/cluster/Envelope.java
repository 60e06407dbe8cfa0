package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one node publishes on a room's channel: a kind, the publishing node, the member it is from,
 * an argument (the target id, or the joiner's name) and packets already encoded for the sockets.
 * Wire form: kind byte, three strings (u16 length + UTF-8), u16 packet count, then per packet a byte
 * (0 text, 1 binary), a u32 length and the bytes.
 */
record Envelope(Kind kind, String origin, String from, String arg, List<EnginePacket> packets) {
    enum Kind {
        /** To every member but {@code from}. */
        MESSAGE('M'),
        /** To the member {@code arg}. */
        TARGETED('T'),
        /** {@code from} joined on {@code origin}, named {@code arg}; no packets. */
        JOINED('J'),
        /** {@code from} left; the packets go to everyone else. */
        LEFT('L'),
        /** On a node's channel: to its socket {@code arg} (the server's own events to it). */
        DIRECT('D');

        final byte code;

        Kind(char code) {
            this.code = (byte) code;
        }

        static Kind of(byte b) {
            for (Kind k : values()) {
                if (k.code == b) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown envelope kind " + b);
        }
    }

    byte[] encode() {
        byte[] o = origin.getBytes(StandardCharsets.UTF_8);
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] a = arg.getBytes(StandardCharsets.UTF_8);
        int size = 1 + 6 + o.length + f.length + a.length + 2;
        byte[][] bodies = new byte[packets.size()][];
        for (int i = 0; i < bodies.length; i++) {
            EnginePacket p = packets.get(i);
            bodies[i] = p.isBinary() ? p.bytes() : p.text().getBytes(StandardCharsets.UTF_8);
            size += 5 + bodies[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(kind.code);
        putString(b, o);
        putString(b, f);
        putString(b, a);
        b.putShort((short) bodies.length);
        for (int i = 0; i < bodies.length; i++) {
            b.put((byte) (packets.get(i).isBinary() ? 1 : 0));
            b.putInt(bodies[i].length);
            b.put(bodies[i]);
        }
        return b.array();
    }

    static Envelope decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Kind kind = Kind.of(b.get());
        String origin = getString(b);
        String from = getString(b);
        String arg = getString(b);
        int n = Short.toUnsignedInt(b.getShort());
        List<EnginePacket> packets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean binary = b.get() == 1;
            byte[] body = new byte[b.getInt()];
            b.get(body);
            packets.add(binary ? EnginePacket.binary(body) : EnginePacket.message(new String(body, StandardCharsets.UTF_8)));
        }
        return new Envelope(kind, origin, from, arg, packets);
    }

    private static void putString(ByteBuffer b, byte[] s) {
        b.putShort((short) s.length);
        b.put(s);
    }

    private static String getString(ByteBuffer b) {
        byte[] s = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
