package dev.switchboard.signaling.socketio;

/** Answers one client request that asked for an acknowledgement. Only the first call is sent. */
public interface Ack {
    void send(Object... args);
}
