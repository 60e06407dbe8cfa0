package dev.switchboard.cluster;

import java.util.List;

/** The outcome of a join: the room and its members (the joiner included), or full (room null). */
public record Joined(ClusterRoom room, List<MemberInfo> members) {
    static final Joined FULL = new Joined(null, List.of());

    public static Joined full() {
        return FULL;
    }

    public boolean ok() {
        return room != null;
    }
}
