package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;

/** A room member connected to this node: its id, display name, and where its packets go. */
public interface Member {
    String id();

    String name();

    /** Sends packets to the member's connection; callable from any thread, never blocks. */
    void deliver(List<EnginePacket> encoded);

    /** The first of {@code among} that is not {@code self}, or null. */
    static Member otherThan(Member self, Member[] among) {
        for (Member m : among) {
            if (m != self) {
                return m;
            }
        }
        return null;
    }
}
