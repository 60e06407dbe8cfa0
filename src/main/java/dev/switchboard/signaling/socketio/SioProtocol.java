package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.signaling.engineio.EngineProtocol;
import dev.switchboard.signaling.engineio.Handshake;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Socket.IO protocol revision of one connection: v5 over Engine.IO v4, v4 over Engine.IO v3
 * (Socket.IO 2.x clients). Packets, acks and binary attachments are the same; the connection step is not:
 * <ul>
 *   <li>v5: the client sends CONNECT for every namespace with its {@code auth} object; the server answers
 *       CONNECT {@code {"sid"}} or CONNECT_ERROR {@code {"message", "data"?}}.</li>
 *   <li>v4: the main namespace is joined without a CONNECT from the client (the server sends it on its
 *       own); other namespaces' CONNECT may carry a query ({@code 0/chat?x=1,}). The handshake data is the
 *       query string, which stands in for {@code auth} here; CONNECT has no data, CONNECT_ERROR carries
 *       the message as a plain string, and a socket's id is the Engine.IO session id (prefixed with
 *       {@code <namespace>#} outside the main namespace), as 2.x clients compute it themselves.</li>
 * </ul>
 */
public enum SioProtocol {
    V4, V5;

    /** Engine.IO's own query parameters, left out of the v4 handshake data. */
    private static final Set<String> TRANSPORT_PARAMS = Set.of("EIO", "transport", "t", "sid", "b64", "j");

    static SioProtocol of(EngineProtocol engine) {
        return engine == EngineProtocol.V3 ? V4 : V5;
    }

    /** True when the main namespace is joined as soon as the session opens. */
    boolean implicitMainConnect() {
        return this == V4;
    }

    /** The socket id the client expects for a namespace of session {@code engineId}, or null for a fresh one. */
    String socketId(String namespace, String engineId) {
        if (this == V5) {
            return null;
        }
        return "/".equals(namespace) ? engineId : namespace + "#" + engineId;
    }

    /**
     * v4: the handshake data of a CONNECT: the handshake's query (without Engine.IO's parameters), with the
     * query of the CONNECT packet's namespace (if any) on top. v5: the CONNECT's {@code auth}.
     */
    JsonNode auth(JsonNode connectData, Handshake handshake, String namespaceQuery) {
        if (this == V5) {
            return connectData == null ? JsonNodeFactory.instance.objectNode() : connectData;
        }
        ObjectNode auth = JsonNodeFactory.instance.objectNode();
        putAll(auth, handshake.query());
        if (namespaceQuery != null) {
            putAll(auth, new QueryStringDecoder(namespaceQuery, false).parameters());
        }
        return auth;
    }

    private static void putAll(ObjectNode auth, Map<String, List<String>> query) {
        for (var e : query.entrySet()) {
            if (!TRANSPORT_PARAMS.contains(e.getKey()) && !e.getValue().isEmpty()) {
                auth.put(e.getKey(), e.getValue().get(0));
            }
        }
    }

    /** The server's CONNECT for a socket that joined. */
    SioPacket connected(SioSocket socket) {
        JsonNode data = null;
        if (this == V5) {
            ObjectNode ok = JsonNodeFactory.instance.objectNode();
            ok.put("sid", socket.id());
            if (socket.pid() != null) {
                ok.put("pid", socket.pid());
            }
            data = ok;
        }
        return new SioPacket(SioPacket.Type.CONNECT, socket.namespace(), SioPacket.NO_ACK, data);
    }

    /** The server's CONNECT_ERROR (v4 calls it ERROR) for a refused namespace. */
    SioPacket connectError(String namespace, String message, Object detail) {
        if (this == V4) {
            return new SioPacket(SioPacket.Type.CONNECT_ERROR, namespace, SioPacket.NO_ACK, TextNode.valueOf(message));
        }
        ObjectNode err = JsonNodeFactory.instance.objectNode();
        err.put("message", message);
        if (detail != null) {
            err.set("data", Emitter.toJson(detail));
        }
        return new SioPacket(SioPacket.Type.CONNECT_ERROR, namespace, SioPacket.NO_ACK, err);
    }
}
