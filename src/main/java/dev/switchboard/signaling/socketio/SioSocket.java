package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.engineio.Handshake;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A client's connection to one namespace: event handlers, emits, acknowledgements both ways, and
 * disconnect. Handlers run on the connection's event loop; {@link #emit} and {@link #send} may be
 * called from any thread.
 */
public final class SioSocket {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SioClient client;
    private final String namespace;
    private final String id;
    private final JsonNode auth;
    private final Map<String, EventHandler> handlers = new HashMap<>();
    private Map<String, RawEventHandler> rawHandlers = Map.of();
    private final List<Consumer<String>> disconnectHandlers = new ArrayList<>(1);
    private final Map<Long, Consumer<ArrayNode>> pendingAcks = new HashMap<>();
    private long nextAckId;
    private EventHandler fallback;
    private boolean connected = true;

    /** {@code id} null: a fresh random one. */
    SioSocket(SioClient client, String namespace, JsonNode auth, String id) {
        this.client = client;
        this.namespace = namespace;
        this.auth = auth;
        this.id = id != null ? id : newId();
    }

    private static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public String id() {
        return id;
    }

    public String namespace() {
        return namespace;
    }

    /**
     * The auth payload of the CONNECT packet (an empty object when none); for Socket.IO 2.x clients, the
     * handshake's query parameters as strings ({@link SioProtocol}).
     */
    public JsonNode auth() {
        return auth;
    }

    public Handshake handshake() {
        return client.engine().handshake();
    }

    public EventExecutor loop() {
        return client.engine().loop();
    }

    public boolean connected() {
        return connected;
    }

    public void on(String event, EventHandler handler) {
        handlers.put(event, handler);
    }

    /**
     * Handles a plain event (no binary attachments) as the text it arrived in, for relays that forward
     * it unchanged; takes precedence over {@link #on} for such events.
     */
    public void onRaw(String event, RawEventHandler handler) {
        if (rawHandlers.isEmpty()) {
            rawHandlers = new HashMap<>(2);
        }
        rawHandlers.put(event, handler);
    }

    /** Called for events that have no handler of their own. */
    public void onAny(EventHandler handler) {
        fallback = handler;
    }

    public void onDisconnect(Consumer<String> handler) {
        disconnectHandlers.add(handler);
    }

    /** Emits an event; arguments are turned into JSON (byte arrays become binary attachments). */
    public void emit(String event, Object... args) {
        send(encodeEvent(namespace, event, args));
    }

    /** Emits an event and calls {@code onAck} with the client's acknowledgement arguments. */
    public void emitWithAck(String event, Consumer<ArrayNode> onAck, Object... args) {
        runOnLoop(() -> {
            long ackId = nextAckId++;
            pendingAcks.put(ackId, onAck);
            client.send(new SioPacket(SioPacket.Type.EVENT, namespace, ackId, eventData(event, args)));
        });
    }

    /** Sends packets encoded once with {@link #encodeEvent} (fan-out to many sockets). */
    public void send(List<EnginePacket> encoded) {
        if (connected) {
            client.engine().send(encoded);
        }
    }

    /** Encodes an event once so that it can be sent to many sockets of a namespace. */
    public static List<EnginePacket> encodeEvent(String namespace, String event, Object... args) {
        return SioCodec.encode(new SioPacket(SioPacket.Type.EVENT, namespace, SioPacket.NO_ACK, eventData(event, args)));
    }

    /** Leaves the namespace, telling the client; with {@code closeConnection} the whole session ends. */
    public void disconnect(boolean closeConnection) {
        runOnLoop(() -> {
            if (!connected) {
                return;
            }
            client.send(new SioPacket(SioPacket.Type.DISCONNECT, namespace, SioPacket.NO_ACK, null));
            client.removed(this);
            closed("server namespace disconnect");
            if (closeConnection) {
                client.engine().close("forced close");
            }
        });
    }

    private void runOnLoop(Runnable r) {
        if (loop().inEventLoop()) {
            r.run();
        } else {
            loop().execute(r);
        }
    }

    void onPacket(SioPacket p) {
        switch (p.type()) {
            case EVENT -> onEvent(p);
            case ACK -> {
                Consumer<ArrayNode> cb = pendingAcks.remove(p.ackId());
                if (cb != null) {
                    cb.accept((ArrayNode) p.data());
                }
            }
            case DISCONNECT -> {
                client.removed(this);
                closed("client namespace disconnect");
            }
            default -> { }
        }
    }

    void onRawEvent(RawEvent e) throws SioProtocolException {
        Ack ack = e.wantsAck() ? new OnceAck(e.ackId()) : null;
        RawEventHandler raw = rawHandlers.get(e.event());
        if (raw != null) {
            raw.handle(this, e, ack);
        } else {
            onEvent(e.data(), ack);
        }
    }

    private void onEvent(SioPacket p) {
        onEvent((ArrayNode) p.data(), p.wantsAck() ? new OnceAck(p.ackId()) : null);
    }

    private void onEvent(ArrayNode data, Ack ack) {
        String event = data.get(0).asText();
        ArrayNode args = JsonNodeFactory.instance.arrayNode(data.size() - 1);
        for (int i = 1; i < data.size(); i++) {
            args.add(data.get(i));
        }
        EventHandler h = handlers.get(event);
        if (h == null) {
            h = fallback;
        }
        if (h != null) {
            h.handle(this, args, ack);
        }
    }

    void closed(String reason) {
        if (!connected) {
            return;
        }
        connected = false;
        pendingAcks.clear();
        for (Consumer<String> h : disconnectHandlers) {
            h.accept(reason);
        }
    }

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

    private final class OnceAck implements Ack {
        private final long ackId;
        private boolean sent;

        OnceAck(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public void send(Object... args) {
            runOnLoop(() -> {
                if (sent || !connected) {
                    return;
                }
                sent = true;
                ArrayNode a = JsonNodeFactory.instance.arrayNode(args.length);
                for (Object o : args) {
                    a.add(toJson(o));
                }
                client.send(new SioPacket(SioPacket.Type.ACK, namespace, ackId, a));
            });
        }
    }
}
