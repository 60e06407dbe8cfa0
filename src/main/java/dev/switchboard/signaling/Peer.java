package dev.switchboard.signaling;

import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.Member;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * One connected client as the room logic sees it: its socket, display name, rate limiter, rooms, and
 * joins still being decided (by Redis when several nodes share rooms). Mutable state is touched only on
 * the socket's event loop.
 */
final class Peer implements Member {
    final SioSocket socket;
    final TokenBucket bucket;
    final List<ClusterRoom> rooms = new ArrayList<>(2);
    final List<RoomKey> joining = new ArrayList<>(1);
    volatile String name = "Guest";
    /** The verified room token of the handshake; null when rooms are open. */
    dev.switchboard.auth.RoomToken token;

    Peer(SioSocket socket, TokenBucket bucket) {
        this.socket = socket;
        this.bucket = bucket;
    }

    @Override
    public String id() {
        return socket.id();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(List<EnginePacket> encoded) {
        socket.send(encoded);
    }

    ClusterRoom room(String name, RoomKind kind) {
        for (ClusterRoom r : rooms) {
            if (r.key().kind() == kind && r.key().name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** In the room, or a join of it is under way. */
    boolean inOrJoining(RoomKey key) {
        return room(key.name(), key.kind()) != null || joining.contains(key);
    }

    int roomsHeld() {
        return rooms.size() + joining.size();
    }
}
