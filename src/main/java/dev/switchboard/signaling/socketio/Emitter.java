package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.signaling.engineio.EnginePacket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encodes server events once for any number of sockets. With connection state recovery on, each event
 * carries an offset as its last argument (socket.io-protocol's recovery: the client keeps the last one it
 * saw and sends it back on reconnect): a prefix random for this process and a counter, in base 36, so
 * offsets of two nodes or two runs never meet. With recovery off, events are encoded as they are.
 */
public final class Emitter {
    private static final Emitter PLAIN = new Emitter(false);

    private final boolean offsets;
    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    Emitter(boolean offsets) {
        this.offsets = offsets;
        this.prefix = Long.toString(new SecureRandom().nextLong() >>> 16, 36) + ".";
    }

    /** Events without offsets (recovery off). */
    public static Emitter plain() {
        return PLAIN;
    }

    /** Events with offsets of their own (a prefix of their own), for events sent outside a server. */
    public static Emitter withOffsets() {
        return new Emitter(true);
    }

    /** The event {@code event(args...)} of {@code namespace}, with a fresh offset when recovery is on. */
    public List<EnginePacket> event(String namespace, String event, Object... args) {
        ArrayNode data = eventData(event, args);
        if (offsets) {
            data.add(nextOffset());
        }
        return SioCodec.encode(new SioPacket(SioPacket.Type.EVENT, namespace, SioPacket.NO_ACK, data));
    }

    /** A client's event passed on to other sockets as it arrived, with a fresh offset when recovery is on. */
    public List<EnginePacket> relay(RawEvent e) {
        List<EnginePacket> relayed = e.relayed();
        if (!offsets) {
            return relayed;
        }
        String text = relayed.get(0).text();
        int close = text.lastIndexOf(']');
        return List.of(EnginePacket.message(text.substring(0, close) + ",\"" + nextOffset() + "\"]"));
    }

    String nextOffset() {
        return prefix + Long.toString(next.getAndIncrement(), 36);
    }

    /** True when events carry offsets. */
    boolean offsets() {
        return offsets;
    }

    /**
     * The packets without their events' offsets, for clients whose protocol has no recovery (Socket.IO
     * 2.x): they get the events exactly as before recovery existed. Costs a copy per such recipient.
     */
    static List<EnginePacket> withoutOffsets(List<EnginePacket> encoded) {
        List<EnginePacket> out = null;
        for (int i = 0; i < encoded.size(); i++) {
            EnginePacket p = encoded.get(i);
            int cut = p.isBinary() ? -1 : offsetStart(p.text());
            if (cut >= 0 && out == null) {
                out = new ArrayList<>(encoded.subList(0, i));
            }
            if (out != null) {
                out.add(cut < 0 ? p : EnginePacket.message(p.text().substring(0, cut) + "]"));
            }
        }
        return out == null ? encoded : out;
    }

    /** Where {@code ,"<offset>"]} starts at the end of an event's text, or -1. */
    private static int offsetStart(String text) {
        int end = text.length() - 2;
        if (end < 0 || text.charAt(end + 1) != ']' || text.charAt(end) != '"') {
            return -1;
        }
        int dots = 0;
        int i = end - 1;
        for (; i >= 0 && text.charAt(i) != '"'; i--) {
            char c = text.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return -1;
            }
        }
        return dots == 1 && i > 0 && text.charAt(i - 1) == ',' ? i - 1 : -1;
    }

    /** An event's array: its name, then its arguments as JSON (byte arrays become binary attachments). */
    static ArrayNode eventData(String event, Object... args) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(args.length + 1);
        a.add(event);
        for (Object o : args) {
            a.add(toJson(o));
        }
        return a;
    }

    static JsonNode toJson(Object o) {
        if (o instanceof byte[] b) {
            return BinaryNode.valueOf(b);
        }
        if (o instanceof JsonNode n) {
            return n;
        }
        return SioCodec.JSON.valueToTree(o);
    }
}
