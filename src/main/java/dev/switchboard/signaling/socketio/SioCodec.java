package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Socket.IO v5 packet encoding (socket.io-protocol v5, "Packet encoding" and "Binary attachments").
 * Pure: strings and byte arrays in, {@link SioPacket}s out.
 * <pre>
 * &lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][JSON data]
 * </pre>
 * A binary packet's attachments follow it as separate Engine.IO messages and stand in its data as
 * {@code {"_placeholder":true,"num":N}}.
 */
public final class SioCodec {
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // a number is relayed as written: as a double, 6E+6665 would become Infinity and go out as "Infinity"
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final int MAX_ATTACHMENTS = 64;
    private static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private SioCodec() {}

    /** A decoded header: the packet (placeholders still in its data) and how many attachments follow. */
    public record Header(SioPacket packet, int attachments) {}

    /** Decodes the text part of a packet. */
    public static Header decode(String s) throws SioProtocolException {
        if (s.isEmpty()) {
            throw new SioProtocolException("empty packet");
        }
        SioPacket.Type type = SioPacket.Type.of(s.charAt(0));
        if (type == null) {
            throw new SioProtocolException("unknown packet type");
        }
        int i = 1;
        int attachments = 0;
        if (type == SioPacket.Type.BINARY_EVENT || type == SioPacket.Type.BINARY_ACK) {
            int dash = s.indexOf('-', i);
            if (dash < 0 || dash == i || dash - i > 3) {
                throw new SioProtocolException("bad attachment count");
            }
            for (int k = i; k < dash; k++) {
                char c = s.charAt(k);
                if (c < '0' || c > '9') {
                    throw new SioProtocolException("bad attachment count");
                }
                attachments = attachments * 10 + (c - '0');
            }
            if (attachments > MAX_ATTACHMENTS) {
                throw new SioProtocolException("too many attachments");
            }
            i = dash + 1;
        }
        Prefix prefix = prefix(s, i);
        String nsp = prefix.namespace();
        long ack = prefix.ackId();
        i = prefix.dataStart();
        JsonNode data = null;
        if (i < s.length()) {
            try {
                data = JSON.readTree(s.substring(i));
            } catch (JsonProcessingException | NumberFormatException e) {
                // NumberFormatException: a number whose exponent has too many digits to be read exactly
                throw new SioProtocolException("invalid JSON payload");
            }
        }
        SioPacket p = new SioPacket(type, nsp, ack, data);
        validate(p);
        if (attachments > 0 || type == SioPacket.Type.BINARY_EVENT || type == SioPacket.Type.BINARY_ACK) {
            checkPlaceholders(data, attachments);
        }
        return new Header(p, attachments);
    }

    /**
     * Decodes a plain EVENT packet whose event name is a string without escapes, checking its JSON
     * ({@link JsonSyntax}) without building a tree. Null when the packet is of another kind or shape:
     * {@link #decode} then handles it (and finds any error in it).
     */
    public static RawEvent decodeEvent(String s) throws SioProtocolException {
        if (s.isEmpty() || s.charAt(0) != '2') {
            return null;
        }
        Prefix prefix = prefix(s, 1);
        int i = prefix.dataStart();
        int open = JsonSyntax.skipSpace(s, i);
        if (open >= s.length() || s.charAt(open) != '[') {
            return null;
        }
        int nameStart = JsonSyntax.skipSpace(s, open + 1);
        if (nameStart >= s.length() || s.charAt(nameStart) != '"') {
            return null;
        }
        int nameEnd = JsonSyntax.string(s, nameStart);
        for (int k = nameStart + 1; k < nameEnd - 1; k++) {
            if (s.charAt(k) == '\\') {
                return null;
            }
        }
        String event = s.substring(nameStart + 1, nameEnd - 1);
        if (RESERVED_EVENTS.contains(event)) {
            throw new SioProtocolException("invalid payload for EVENT");
        }
        JsonSyntax.document(s, i);
        return new RawEvent(s, prefix.namespace(), prefix.ackId(), i, event);
    }

    /** The namespace and ack id that may follow the type (and attachment count), and where the data starts. */
    private record Prefix(String namespace, long ackId, int dataStart) {}

    private static Prefix prefix(String s, int i) throws SioProtocolException {
        String nsp = "/";
        if (i < s.length() && s.charAt(i) == '/') {
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            nsp = s.substring(i, end);
            i = comma < 0 ? end : comma + 1;
        }
        long ack = SioPacket.NO_ACK;
        int digits = i;
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        if (digits > i) {
            if (digits - i > 15) {
                throw new SioProtocolException("ack id too long");
            }
            ack = Long.parseLong(s, i, digits, 10);
            i = digits;
        }
        return new Prefix(nsp, ack, i);
    }

    private static void validate(SioPacket p) throws SioProtocolException {
        JsonNode d = p.data();
        boolean ok = switch (p.type()) {
            case CONNECT -> d == null || d.isObject();
            case DISCONNECT -> d == null;
            case CONNECT_ERROR -> d != null && (d.isTextual() || d.isObject());
            case EVENT, BINARY_EVENT -> d != null && d.isArray() && d.size() > 0
                    && (d.get(0).isNumber() || (d.get(0).isTextual() && !RESERVED_EVENTS.contains(d.get(0).asText())));
            case ACK, BINARY_ACK -> d != null && d.isArray();
        };
        if (!ok) {
            throw new SioProtocolException("invalid payload for " + p.type());
        }
        if ((p.type() == SioPacket.Type.ACK || p.type() == SioPacket.Type.BINARY_ACK) && !p.wantsAck()) {
            throw new SioProtocolException("acknowledgement without id");
        }
    }

    /** Every placeholder must name an attachment in range, and each attachment be named once. */
    private static void checkPlaceholders(JsonNode data, int attachments) throws SioProtocolException {
        boolean[] seen = new boolean[attachments];
        int count = walkPlaceholders(data, seen, 0);
        if (count != attachments) {
            throw new SioProtocolException("attachment count does not match placeholders");
        }
    }

    private static int walkPlaceholders(JsonNode n, boolean[] seen, int found) throws SioProtocolException {
        if (n == null) {
            return found;
        }
        if (isPlaceholder(n)) {
            int num = n.get("num").asInt(-1);
            if (!n.get("num").canConvertToInt() || num < 0 || num >= seen.length || seen[num]) {
                throw new SioProtocolException("bad placeholder");
            }
            seen[num] = true;
            return found + 1;
        }
        if (n.isContainerNode()) {
            for (JsonNode c : n) {
                found = walkPlaceholders(c, seen, found);
            }
        }
        return found;
    }

    private static boolean isPlaceholder(JsonNode n) {
        return n.isObject() && n.path("_placeholder").asBoolean(false) && n.has("num") && n.get("num").isIntegralNumber();
    }

    /** Replaces placeholders with the received attachments. */
    public static SioPacket reconstruct(Header h, List<byte[]> buffers) {
        JsonNode data = fill(h.packet().data().deepCopy(), buffers);
        SioPacket p = h.packet();
        SioPacket.Type plain = p.type() == SioPacket.Type.BINARY_EVENT ? SioPacket.Type.EVENT : SioPacket.Type.ACK;
        return new SioPacket(plain, p.namespace(), p.ackId(), data);
    }

    private static JsonNode fill(JsonNode n, List<byte[]> buffers) {
        if (isPlaceholder(n)) {
            return BinaryNode.valueOf(buffers.get(n.get("num").asInt()));
        }
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, fill(a.get(i), buffers));
            }
        } else if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            it.forEachRemaining(entries::add);
            for (var e : entries) {
                o.set(e.getKey(), fill(e.getValue(), buffers));
            }
        }
        return n;
    }

    /**
     * Encodes a packet for the wire: one Engine.IO message with the header, then one binary message per
     * attachment. EVENT and ACK packets whose data holds binary become BINARY_EVENT / BINARY_ACK.
     */
    public static List<EnginePacket> encode(SioPacket p) {
        List<byte[]> buffers = new ArrayList<>();
        JsonNode data = p.data();
        if (data != null && containsBinary(data)) {
            data = extract(data.deepCopy(), buffers);
        }
        SioPacket.Type type = p.type();
        if (!buffers.isEmpty()) {
            type = type == SioPacket.Type.ACK || type == SioPacket.Type.BINARY_ACK ? SioPacket.Type.BINARY_ACK
                    : SioPacket.Type.BINARY_EVENT;
        } else if (type == SioPacket.Type.BINARY_EVENT || type == SioPacket.Type.BINARY_ACK) {
            // A binary packet with no attachment (a client may send "50-..."): without this it went out as
            // "5..." with no attachment count, which no decoder accepts. Found by SioFuzzTest.
            type = type == SioPacket.Type.BINARY_ACK ? SioPacket.Type.ACK : SioPacket.Type.EVENT;
        }
        StringBuilder sb = new StringBuilder(64);
        sb.append(type.code());
        if (!buffers.isEmpty()) {
            sb.append(buffers.size()).append('-');
        }
        if (!"/".equals(p.namespace())) {
            sb.append(p.namespace()).append(',');
        }
        if (p.wantsAck()) {
            sb.append(p.ackId());
        }
        if (data != null) {
            sb.append(data);
        }
        if (buffers.isEmpty()) {
            return List.of(EnginePacket.message(sb.toString()));
        }
        List<EnginePacket> out = new ArrayList<>(1 + buffers.size());
        out.add(EnginePacket.message(sb.toString()));
        for (byte[] b : buffers) {
            out.add(EnginePacket.binary(b));
        }
        return out;
    }

    static boolean containsBinary(JsonNode n) {
        if (n.isBinary()) {
            return true;
        }
        if (n.isContainerNode()) {
            for (JsonNode c : n) {
                if (containsBinary(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode extract(JsonNode n, List<byte[]> buffers) {
        if (n.isBinary()) {
            ObjectNode ph = JsonNodeFactory.instance.objectNode();
            ph.put("_placeholder", true);
            ph.put("num", buffers.size());
            buffers.add(((BinaryNode) n).binaryValue());
            return ph;
        }
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, extract(a.get(i), buffers));
            }
        } else if (n instanceof ObjectNode o) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            o.fields().forEachRemaining(entries::add);
            for (var e : entries) {
                o.set(e.getKey(), extract(e.getValue(), buffers));
            }
        }
        return n;
    }
}
