package dev.switchboard.signaling.engineio;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Engine.IO protocol revision of one session, chosen by the handshake's {@code EIO} parameter. One
 * session state machine serves both; this value decides where they differ (see docs/signaling.md):
 * <ul>
 *   <li>{@link #V4}: the server pings and the client answers; payloads are separated by U+001E; binary
 *       WebSocket frames carry the bytes alone.</li>
 *   <li>{@link #V3} (Socket.IO 2.x clients): the client pings and the server answers; payloads are
 *       length-prefixed ({@link EngineCodecV3}); binary WebSocket frames start with the type byte 4; the
 *       open packet has no {@code maxPayload}.</li>
 * </ul>
 */
public enum EngineProtocol {
    V3, V4;

    /** The protocol named by an {@code EIO} query value, or null when none is. */
    static EngineProtocol of(String eio) {
        if ("4".equals(eio)) {
            return V4;
        }
        return "3".equals(eio) ? V3 : null;
    }

    /** True when the server sends the pings (v4); in v3 the client does. */
    boolean serverPings() {
        return this == V4;
    }

    /** Decodes one text packet (a WebSocket text frame). */
    EnginePacket decodePacket(String s) throws EngineProtocolException {
        return this == V4 ? EngineCodec.decodePacket(s) : EngineCodecV3.decodePacket(s);
    }

    /** Decodes a long-polling POST body into its packets; at most {@code maxPackets} of them. */
    List<EnginePacket> decodePayload(ByteBuf body, int maxPackets) throws EngineProtocolException {
        if (this == V4) {
            return EngineCodec.decodePayload(body.toString(StandardCharsets.UTF_8), maxPackets);
        }
        return EngineCodecV3.decodePayload(body, maxPackets);
    }

    /** The body of a long-polling response carrying these packets. */
    String encodePayload(List<EnginePacket> packets) {
        return this == V4 ? EngineCodec.encodePayload(packets) : EngineCodecV3.encodePayload(packets);
    }
}
