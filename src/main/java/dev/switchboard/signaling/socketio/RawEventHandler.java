package dev.switchboard.signaling.socketio;

/** Handles one plain event from a client as the text it arrived in (see {@link RawEvent}). */
@FunctionalInterface
public interface RawEventHandler {
    void handle(SioSocket socket, RawEvent event, Ack ack);
}
