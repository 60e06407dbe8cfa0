package dev.switchboard.signaling.engineio;

/**
 * What hears one Engine.IO session for the layer above (Socket.IO): its messages and its end. The
 * {@link EngineListener} attaches one to each session it is told about ({@link EngineSocket#attach});
 * called on the session's event loop.
 */
public interface SessionListener {
    /** A MESSAGE packet, text or binary. */
    void onMessage(EnginePacket message);

    void onClose(String reason);
}
