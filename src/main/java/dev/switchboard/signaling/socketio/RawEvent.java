package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;

/**
 * A plain EVENT packet (socket.io-protocol v5, "EVENT", no binary attachments) whose JSON was checked
 * but not parsed: its namespace, ack id, event name and the text it arrived as. A relay forwards it as
 * that text ({@link #relayed}), so a message that only passes through is never turned into a tree and
 * back.
 *
 * @param text the whole Socket.IO packet text, e.g. {@code 2["message",{...}]}
 * @param dataStart where the JSON array starts in {@code text}
 */
public record RawEvent(String text, String namespace, long ackId, int dataStart, String event) {

    public boolean wantsAck() {
        return ackId >= 0;
    }

    /**
     * The event as the server emits it to other sockets of the same namespace: the arriving text when
     * it asked for no acknowledgement, else the same packet without the ack id.
     */
    public List<EnginePacket> relayed() {
        if (ackId < 0) {
            return List.of(EnginePacket.message(text));
        }
        String prefix = "/".equals(namespace) ? "2" : "2" + namespace + ",";
        return List.of(EnginePacket.message(prefix + text.substring(dataStart)));
    }

    /** The data as a tree: the event name, then its arguments. */
    ArrayNode data() throws SioProtocolException {
        try {
            return (ArrayNode) SioCodec.JSON.readTree(text.substring(dataStart));
        } catch (JsonProcessingException | NumberFormatException | ClassCastException e) {
            throw new SioProtocolException("invalid JSON payload");
        }
    }
}
