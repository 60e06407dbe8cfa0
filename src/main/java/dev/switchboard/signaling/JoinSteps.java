package dev.switchboard.signaling;

import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.Joined;
import dev.switchboard.signaling.socketio.Ack;

/**
 * What a room protocol adds to the join that {@link Signaling#join} runs for both: the checks, the
 * decision by the rooms (this process or Redis), a cluster failure and a peer gone meanwhile are shared;
 * these steps are each protocol's own words. Called on the peer's event loop.
 */
interface JoinSteps {
    /** Every check passed and the join is about to be asked for (the mesh takes the display name here). */
    default void admitted(Peer peer) {}

    /** The room was at capacity. */
    void full(Peer peer, String room, Ack ack);

    /** The peer is now a member of {@code room}; {@code joined.members()} includes it. */
    void entered(Peer peer, ClusterRoom room, Joined joined, Ack ack);
}
