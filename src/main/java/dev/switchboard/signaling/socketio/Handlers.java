package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * One socket's event handlers: by event name, raw ones (the event as the text it arrived in, for relays)
 * and the fallback for events without a handler. Used on the socket's event loop only.
 */
final class Handlers {
    private final Map<String, EventHandler> byEvent = new HashMap<>();
    private Map<String, RawEventHandler> raw = Map.of();
    private EventHandler fallback;

    void on(String event, EventHandler handler) {
        byEvent.put(event, handler);
    }

    void onRaw(String event, RawEventHandler handler) {
        if (raw.isEmpty()) {
            raw = new HashMap<>(2);
        }
        raw.put(event, handler);
    }

    void onAny(EventHandler handler) {
        fallback = handler;
    }

    /** The raw handler of {@code event}, or null. */
    RawEventHandler raw(String event) {
        return raw.get(event);
    }

    /** Calls the handler of the event named by {@code data}'s first element (or the fallback) with the rest. */
    void dispatch(SioSocket socket, ArrayNode data, Ack ack) {
        String event = data.get(0).asText();
        ArrayNode args = JsonNodeFactory.instance.arrayNode(data.size() - 1);
        for (int i = 1; i < data.size(); i++) {
            args.add(data.get(i));
        }
        EventHandler h = byEvent.get(event);
        if (h == null) {
            h = fallback;
        }
        if (h != null) {
            h.handle(socket, args, ack);
        }
    }
}
