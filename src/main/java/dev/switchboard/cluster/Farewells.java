package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;

/**
 * What the others of a room receive when a member is gone without saying so (its node died): the
 * protocol's own events, encoded once. Supplied by signaling.
 */
@FunctionalInterface
public interface Farewells {
    List<EnginePacket> lost(RoomKey room, String memberId);
}
