package dev.switchboard.signaling.engineio;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 packet and payload encoding (engine.io-protocol v4, "Packet encoding" and "Payload
 * encoding"). Pure: strings and bytes in, {@link EnginePacket}s out, or an {@link EngineProtocolException}.
 * <ul>
 *   <li>A text packet is its type digit followed by its data.</li>
 *   <li>A long-polling payload joins packets with the record separator U+001E; a binary message in a
 *       payload is "b" followed by its base64.</li>
 *   <li>Over WebSocket a binary frame is the message bytes with no prefix.</li>
 * </ul>
 */
public final class EngineCodec {
    public static final char SEPARATOR = '\u001e';

    private EngineCodec() {}

    /** Decodes one text packet (a WebSocket text frame, or one element of a payload). */
    public static EnginePacket decodePacket(String s) throws EngineProtocolException {
        if (s.isEmpty()) {
            throw new EngineProtocolException("empty packet");
        }
        char c = s.charAt(0);
        if (c == 'b') {
            try {
                // MIME decoding: some clients (the Java one) wrap their base64 with line breaks.
                return EnginePacket.binaryOwned(Base64.getMimeDecoder().decode(s.substring(1)));
            } catch (IllegalArgumentException e) {
                throw new EngineProtocolException("bad base64 in binary packet");
            }
        }
        EnginePacket.Type type = EnginePacket.Type.of(c);
        if (type == null || type == EnginePacket.Type.OPEN) {
            throw new EngineProtocolException("unknown packet type '" + printable(c) + "'");
        }
        String data = s.substring(1);
        return switch (type) {
            case PING -> data.isEmpty() ? EnginePacket.PING : EnginePacket.of(type, data);
            case PONG -> data.isEmpty() ? EnginePacket.PONG : EnginePacket.of(type, data);
            case CLOSE, UPGRADE, NOOP -> EnginePacket.of(type, "");
            default -> EnginePacket.of(type, data);
        };
    }

    /** Decodes a long-polling request body into its packets; at most {@code maxPackets} of them. */
    public static List<EnginePacket> decodePayload(String body, int maxPackets) throws EngineProtocolException {
        List<EnginePacket> packets = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = body.indexOf(SEPARATOR, start);
            String part = end < 0 ? body.substring(start) : body.substring(start, end);
            if (packets.size() == maxPackets) {
                throw new EngineProtocolException("too many packets in one payload");
            }
            packets.add(decodePacket(part));
            if (end < 0) {
                return packets;
            }
            start = end + 1;
        }
    }

    /** The text form of a packet: type digit and data, or "b" and base64 for binary (long-polling). */
    public static String encodePacket(EnginePacket p) {
        if (p.isBinary()) {
            return "b" + Base64.getEncoder().encodeToString(p.bytesUnsafe());
        }
        return p.type().code + p.text();
    }

    /** A long-polling payload: the packets' text forms joined by the record separator. */
    public static String encodePayload(List<EnginePacket> packets) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                sb.append(SEPARATOR);
            }
            EnginePacket p = packets.get(i);
            if (p.isBinary()) {
                sb.append('b').append(Base64.getEncoder().encodeToString(p.bytesUnsafe()));
            } else {
                sb.append(p.type().code).append(p.text());
            }
        }
        return sb.toString();
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
