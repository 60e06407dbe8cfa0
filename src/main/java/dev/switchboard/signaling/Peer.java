package dev.switchboard.signaling;

import dev.switchboard.signaling.socketio.SioSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * One connected client as the room logic sees it: its socket, display name, rate limiter and rooms.
 * Mutable state is touched only on the socket's event loop.
 */
final class Peer {
    final SioSocket socket;
    final TokenBucket bucket;
    final List<Room> rooms = new ArrayList<>(2);
    String name = "Guest";
    /** The verified room token of the handshake; null when rooms are open. */
    dev.switchboard.auth.RoomToken token;

    Peer(SioSocket socket, TokenBucket bucket) {
        this.socket = socket;
        this.bucket = bucket;
    }

    String id() {
        return socket.id();
    }

    Room room(String name, Room.Kind kind) {
        for (Room r : rooms) {
            if (r.kind() == kind && r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
