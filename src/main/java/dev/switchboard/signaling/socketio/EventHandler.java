package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** Handles one event from a client: its arguments (after the event name) and, if asked, an ack. */
@FunctionalInterface
public interface EventHandler {
    void handle(SioSocket socket, ArrayNode args, Ack ack);
}
