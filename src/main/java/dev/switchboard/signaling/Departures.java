package dev.switchboard.signaling;

import dev.switchboard.cluster.Farewells;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Emitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the others of a room hear when a member goes: codelab {@code bye(room, id)} (and
 * {@code message("bye")} when it went without saying bye), mesh {@code peer-left {room, id, reason}}.
 * {@link #FAREWELLS} is what the cluster sends for members of a node that died.
 */
public final class Departures {
    /** A member of a dead node left as if disconnected (events without offsets: recovery off). */
    public static final Farewells FAREWELLS = farewells(Emitter.plain());

    /** The same with {@code emitter}'s offsets, so that the members who hear it can still be recovered. */
    public static Farewells farewells(Emitter emitter) {
        return (room, id) -> lost(emitter, room, id);
    }

    private Departures() {}

    static List<EnginePacket> codelabBye(Emitter e, String room, String id) {
        return e.event("/", "bye", room, id);
    }

    static List<EnginePacket> codelabDisconnected(Emitter e, String room, String id) {
        List<EnginePacket> out = new ArrayList<>(codelabBye(e, room, id));
        out.addAll(e.event("/", "message", "bye"));
        return out;
    }

    static List<EnginePacket> meshLeft(Emitter e, String room, String id, String reason) {
        return e.event("/", "peer-left", Map.of("room", room, "id", id, "reason", reason));
    }

    /** For members of a dead node (several nodes only), encoded by the node that tells. */
    static List<EnginePacket> lost(Emitter e, RoomKey room, String id) {
        return switch (room.kind()) {
            case CODELAB -> codelabDisconnected(e, room.name(), id);
            case MESH -> meshLeft(e, room.name(), id, "disconnected");
        };
    }
}
