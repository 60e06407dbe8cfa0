package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.RecoveryStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Room membership, presence and fan-out, on one node ({@link LocalRooms}) or shared by several nodes
 * through Redis ({@link RedisRooms}). Signaling cannot tell which is running: it joins a room here,
 * keeps the returned {@link ClusterRoom} and sends through it.
 *
 * <p>Futures of the local implementation are already complete when returned (no hop, no allocation on
 * the relay path); those of the Redis one complete on a client thread, exceptionally with
 * {@link ClusterUnavailableException} when Redis cannot be reached.
 */
public interface RoomCluster extends AutoCloseable {

    /**
     * Adds {@code member} to the room when it has fewer than {@code capacity} members (checked
     * atomically across every node). Completes with the room and its members, or {@link Joined#full}.
     */
    CompletableFuture<Joined> join(RoomKey room, int capacity, Member member);

    /** Sends packets to every member of the room on every node (a server event, e.g. media-added). */
    CompletableFuture<Void> publish(RoomKey room, List<EnginePacket> encoded);

    /**
     * Connection state recovery shared by the nodes (sessions of a node that died can be taken over by
     * another), or null: sessions then wait in each process's memory only.
     */
    default RecoveryStore recovery() {
        return null;
    }

    /**
     * Takes over, for {@code member} (a new socket with the session's id), a session found
     * {@link RecoveryStore#elsewhere}: completes with its rooms and box, or with null when it cannot be.
     */
    default CompletableFuture<Takeover> takeOver(Member member, RecoveryStore.Elsewhere from) {
        return CompletableFuture.completedFuture(null);
    }

    /** Rooms with at least one member on this node. */
    int localRoomCount();

    /** For /healthz: "local", or "redis" with whether it answers. */
    Health health();

    /** The answer of {@link #health()}: mode and whether the shared store answers (always for local). */
    record Health(String mode, boolean reachable) {}

    /** Leaves nothing behind: local members are removed (peers on other nodes are told). */
    @Override
    void close();
}
