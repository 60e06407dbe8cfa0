package dev.switchboard.signaling.engineio;

/** What the layer above (Socket.IO) hears from Engine.IO sessions. Called on the session's event loop. */
public interface EngineListener {
    void onOpen(EngineSocket socket);

    /** A MESSAGE packet, text or binary. */
    void onMessage(EngineSocket socket, EnginePacket message);

    void onClose(EngineSocket socket, String reason);
}
