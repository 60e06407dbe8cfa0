package dev.switchboard.media.http;

/**
 * Where the API announces changes to a room's photos (wired to signaling's {@code publish}, so the
 * media capability needs nothing of signaling but this). Called from storage threads.
 */
@FunctionalInterface
public interface MediaEvents {
    void publish(String room, String event, Object payload);
}
