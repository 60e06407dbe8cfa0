package dev.switchboard.signaling.engineio;

/**
 * What the layer above (Socket.IO) hears of new Engine.IO sessions: it attaches a
 * {@link SessionListener} to each ({@link EngineSocket#attach}) to hear the rest. Called on the
 * session's event loop.
 */
public interface EngineListener {
    void onOpen(EngineSocket socket);
}
