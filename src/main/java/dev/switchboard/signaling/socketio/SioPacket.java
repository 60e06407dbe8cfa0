package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Socket.IO v5 packet (socket.io-protocol v5, "Packet format"). {@code data} is null when the packet
 * carries none; binary attachments appear in it as {@link com.fasterxml.jackson.databind.node.BinaryNode}s
 * once reconstructed. {@code ackId} is -1 when the packet asks for no acknowledgement.
 */
public record SioPacket(Type type, String namespace, long ackId, JsonNode data) {

    /** Packet types and their wire digits. */
    public enum Type {
        CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

        private static final Type[] BY_CODE = values();

        char code() {
            return (char) ('0' + ordinal());
        }

        static Type of(char c) {
            return c >= '0' && c <= '6' ? BY_CODE[c - '0'] : null;
        }
    }

    public static final long NO_ACK = -1;

    public SioPacket {
        if (namespace == null || namespace.isEmpty()) {
            namespace = "/";
        }
    }

    public boolean wantsAck() {
        return ackId >= 0;
    }
}
