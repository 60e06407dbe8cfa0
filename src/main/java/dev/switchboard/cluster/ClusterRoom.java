package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A member's handle on a room it joined: presence and fan-out, then leave. */
public interface ClusterRoom {
    RoomKey key();

    /** The members (every node) as this node knows them now, the caller included. */
    List<MemberInfo> members();

    /** A member connected to this node other than {@code self}, or null when there is none. */
    Member neighbour(Member self);

    /**
     * Sends packets encoded once to every member but {@code from} (null: to all). Per-sender order is
     * kept. Completes when handed to every node that has members of the room.
     */
    CompletableFuture<Void> broadcast(Member from, List<EnginePacket> encoded);

    /** Sends to the member {@code to}; completes with false when no such member is in the room. */
    CompletableFuture<Boolean> sendTo(Member from, String to, List<EnginePacket> encoded);

    /**
     * Removes {@code member}; then the others receive {@code farewell} (null: nothing). The room ends
     * with its last member.
     */
    void leave(Member member, List<EnginePacket> farewell);
}
