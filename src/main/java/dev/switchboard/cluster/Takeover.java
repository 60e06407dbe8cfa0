package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;

/**
 * A session taken over from a node that died: the rooms it is in (held by this node now), its display
 * name (null when it is in no room), and what it was sent there, in order (its box).
 */
public record Takeover(List<ClusterRoom> rooms, String name, List<List<EnginePacket>> history) {}
