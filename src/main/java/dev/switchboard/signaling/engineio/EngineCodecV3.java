package dev.switchboard.signaling.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v3 packet and payload encoding, for Socket.IO 2.x clients. Pure: strings and buffers in,
 * {@link EnginePacket}s out, or an {@link EngineProtocolException}. Where v3 differs from v4:
 * <ul>
 *   <li>A text payload is each packet preceded by its length in characters (UTF-16 code units, as
 *       JavaScript counts them) and a colon: {@code 6:4hello2:40}.</li>
 *   <li>Base64 binary is {@code b}, the type digit, then the base64: {@code b4AQID}.</li>
 *   <li>A client that can send binary over XHR posts a binary payload: per packet a byte 0 (text) or 1
 *       (binary), the length as one byte per decimal digit, 255, then the packet (UTF-8 text, or the type
 *       byte and the bytes).</li>
 * </ul>
 * The server answers with text payloads, except that a batch holding binary goes to a client that did
 * not ask for base64 ({@code b64=1}) as a binary payload, the only form the Java 1.x client reads.
 */
final class EngineCodecV3 {
    /** Longest length prefix accepted: nine digits is more than any payload the server accepts. */
    private static final int MAX_LENGTH_DIGITS = 9;

    private EngineCodecV3() {}

    /** Decodes one text packet: as in v4, except base64 binary, which names its type. */
    static EnginePacket decodePacket(String s) throws EngineProtocolException {
        if (!s.isEmpty() && s.charAt(0) == 'b') {
            if (s.length() < 2 || s.charAt(1) != EnginePacket.Type.MESSAGE.code) {
                throw new EngineProtocolException("base64 packet that is not a message");
            }
            if (!base64Text(s, 2)) {
                throw new EngineProtocolException("bad base64 in binary packet");
            }
            try {
                // MIME decoding skips line breaks; anything else outside the alphabet was refused above.
                return EnginePacket.binaryOwned(Base64.getMimeDecoder().decode(s.substring(2)));
            } catch (IllegalArgumentException e) {
                throw new EngineProtocolException("bad base64 in binary packet");
            }
        }
        return EngineCodec.decodePacket(s);
    }

    private static boolean base64Text(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Decodes a long-polling POST body, text or binary (told apart by its first byte). */
    static List<EnginePacket> decodePayload(ByteBuf body, int maxPackets) throws EngineProtocolException {
        if (!body.isReadable()) {
            throw new EngineProtocolException("empty payload");
        }
        byte first = body.getByte(body.readerIndex());
        if (first == 0 || first == 1) {
            return decodeBinaryPayload(body, maxPackets);
        }
        return decodeTextPayload(body.toString(StandardCharsets.UTF_8), maxPackets);
    }

    /** {@code <length>:<packet>} repeated; a zero length stands for no packet ({@code 0:} is empty). */
    static List<EnginePacket> decodeTextPayload(String body, int maxPackets) throws EngineProtocolException {
        if (body.isEmpty()) {
            throw new EngineProtocolException("empty payload");
        }
        List<EnginePacket> packets = new ArrayList<>();
        int i = 0;
        while (i < body.length()) {
            int length = 0;
            int digits = 0;
            while (true) {
                if (i >= body.length()) {
                    throw new EngineProtocolException("length without a packet");
                }
                char c = body.charAt(i++);
                if (c == ':') {
                    break;
                }
                if (c < '0' || c > '9' || ++digits > MAX_LENGTH_DIGITS) {
                    throw new EngineProtocolException("bad packet length");
                }
                length = length * 10 + (c - '0');
            }
            if (digits == 0) {
                throw new EngineProtocolException("bad packet length");
            }
            if (length > body.length() - i) {
                throw new EngineProtocolException("packet length past the end of the payload");
            }
            if (length > 0) {
                if (packets.size() == maxPackets) {
                    throw new EngineProtocolException("too many packets in one payload");
                }
                packets.add(decodePacket(body.substring(i, i + length)));
            }
            i += length;
        }
        return packets;
    }

    /** The binary payload form; the buffer is read, not consumed. */
    static List<EnginePacket> decodeBinaryPayload(ByteBuf body, int maxPackets) throws EngineProtocolException {
        List<EnginePacket> packets = new ArrayList<>();
        int i = body.readerIndex();
        int end = body.writerIndex();
        while (i < end) {
            byte kind = body.getByte(i++);
            if (kind != 0 && kind != 1) {
                throw new EngineProtocolException("bad packet kind in binary payload");
            }
            int length = 0;
            int digits = 0;
            while (true) {
                if (i >= end) {
                    throw new EngineProtocolException("length without a packet");
                }
                int d = body.getByte(i++) & 0xff;
                if (d == 0xff) {
                    break;
                }
                if (d > 9 || ++digits > MAX_LENGTH_DIGITS) {
                    throw new EngineProtocolException("bad packet length");
                }
                length = length * 10 + d;
            }
            if (digits == 0 || length == 0) {
                throw new EngineProtocolException("bad packet length");
            }
            if (length > end - i) {
                throw new EngineProtocolException("packet length past the end of the payload");
            }
            if (packets.size() == maxPackets) {
                throw new EngineProtocolException("too many packets in one payload");
            }
            if (kind == 0) {
                packets.add(decodePacket(body.toString(i, length, StandardCharsets.UTF_8)));
            } else {
                if (body.getByte(i) != EnginePacket.Type.MESSAGE.code - '0') {
                    throw new EngineProtocolException("binary packet that is not a message");
                }
                byte[] bytes = new byte[length - 1];
                body.getBytes(i + 1, bytes);
                packets.add(EnginePacket.binaryOwned(bytes));
            }
            i += length;
        }
        return packets;
    }

    /** The text form of one packet: type digit and data, or {@code b4} and base64 for binary. */
    static String encodePacket(EnginePacket p) {
        if (p.isBinary()) {
            return "b4" + Base64.getEncoder().encodeToString(p.bytesUnsafe());
        }
        return p.type().code + p.text();
    }

    /** True when any packet is a binary message. */
    static boolean hasBinary(List<EnginePacket> packets) {
        for (EnginePacket p : packets) {
            if (p.isBinary()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The binary payload form, for clients that did not ask for base64 ({@code b64}): per packet a kind
     * byte (0 text, 1 binary), the length's decimal digits as bytes, 255, then the UTF-8 text or the type
     * byte 4 and the bytes. Lengths count bytes, the type byte included. (The Java 1.x client cannot read
     * base64 packets at all, so a v3 client that did not ask for base64 gets binary this way.)
     */
    static ByteBuf encodeBinaryPayload(List<EnginePacket> packets) {
        ByteBuf out = Unpooled.buffer();
        for (EnginePacket p : packets) {
            if (p.isBinary()) {
                header(out, 1, p.binaryLength() + 1);
                out.writeByte(EnginePacket.Type.MESSAGE.code - '0');
                out.writeBytes(p.bytesUnsafe());
            } else {
                String text = p.text();
                header(out, 0, 1 + ByteBufUtil.utf8Bytes(text));
                out.writeByte(p.type().code);
                ByteBufUtil.writeUtf8(out, text);
            }
        }
        return out;
    }

    private static void header(ByteBuf out, int kind, int length) {
        out.writeByte(kind);
        String digits = Integer.toString(length);
        for (int i = 0; i < digits.length(); i++) {
            out.writeByte(digits.charAt(i) - '0');
        }
        out.writeByte(0xff);
    }

    /** A text payload: each packet's length in characters, a colon, the packet. */
    static String encodePayload(List<EnginePacket> packets) {
        if (packets.isEmpty()) {
            return "0:";
        }
        StringBuilder sb = new StringBuilder();
        for (EnginePacket p : packets) {
            String s = encodePacket(p);
            sb.append(s.length()).append(':').append(s);
        }
        return sb.toString();
    }
}
