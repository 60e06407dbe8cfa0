package dev.switchboard.signaling;

import dev.switchboard.cluster.Farewells;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the others of a room hear when a member goes: codelab {@code bye(room, id)} (and
 * {@code message("bye")} when it went without saying bye), mesh {@code peer-left {room, id, reason}}.
 * {@link #FAREWELLS} is what the cluster sends for members of a node that died.
 */
public final class Departures {
    /** A member of a dead node left as if disconnected. */
    public static final Farewells FAREWELLS = Departures::lost;

    private Departures() {}

    static List<EnginePacket> codelabBye(String room, String id) {
        return SioSocket.encodeEvent("/", "bye", room, id);
    }

    static List<EnginePacket> codelabDisconnected(String room, String id) {
        List<EnginePacket> out = new ArrayList<>(codelabBye(room, id));
        out.addAll(SioSocket.encodeEvent("/", "message", "bye"));
        return out;
    }

    static List<EnginePacket> meshLeft(String room, String id, String reason) {
        return SioSocket.encodeEvent("/", "peer-left", Map.of("room", room, "id", id, "reason", reason));
    }

    static List<EnginePacket> lost(RoomKey room, String id) {
        return switch (room.kind()) {
            case CODELAB -> codelabDisconnected(room.name(), id);
            case MESH -> meshLeft(room.name(), id, "disconnected");
        };
    }
}
