package dev.switchboard.signaling;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms of one protocol, by name. A room exists while it has members: it is created by the first
 * join and dropped with its last member, atomically with respect to other joins of that name.
 */
final class RoomRegistry {
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final Room.Kind kind;
    private final int capacity;

    RoomRegistry(Room.Kind kind, int capacity) {
        this.kind = kind;
        this.capacity = capacity;
    }

    /** Adds the peer; returns the room, or null when it is full. */
    Room join(String name, Peer peer) {
        Room[] joined = new Room[1];
        rooms.compute(name, (k, room) -> {
            Room r = room == null ? new Room(k, kind, capacity) : room;
            if (r.add(peer)) {
                joined[0] = r;
            }
            return r.size() == 0 ? null : r;
        });
        return joined[0];
    }

    void leave(Room room, Peer peer) {
        rooms.computeIfPresent(room.name(), (k, r) -> {
            if (r == room) {
                r.remove(peer);
            }
            return r.size() == 0 ? null : r;
        });
    }

    Room find(String name) {
        return rooms.get(name);
    }

    int roomCount() {
        return rooms.size();
    }
}
