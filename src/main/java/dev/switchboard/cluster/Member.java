package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;

/** A room member connected to this node: its id, display name, and where its packets go. */
public interface Member {
    String id();

    String name();

    /** Sends packets to the member's connection; callable from any thread, never blocks. */
    void deliver(List<EnginePacket> encoded);
}
