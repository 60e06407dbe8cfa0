package dev.switchboard.signaling;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.Arrays;
import java.util.List;

/**
 * A room and its members. Membership changes only inside {@link RoomRegistry} (under the map's lock
 * for this name) and is published as a fresh array, so fan-out reads a snapshot without locking.
 */
final class Room {
    enum Kind { CODELAB, MESH }

    private static final Peer[] EMPTY = new Peer[0];

    private final String name;
    private final Kind kind;
    private final int capacity;
    private volatile Peer[] members = EMPTY;

    Room(String name, Kind kind, int capacity) {
        this.name = name;
        this.kind = kind;
        this.capacity = capacity;
    }

    String name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    Peer[] members() {
        return members;
    }

    int size() {
        return members.length;
    }

    /** Called by the registry only. False when full. */
    boolean add(Peer p) {
        Peer[] m = members;
        if (m.length >= capacity) {
            return false;
        }
        Peer[] n = Arrays.copyOf(m, m.length + 1);
        n[m.length] = p;
        members = n;
        return true;
    }

    /** Called by the registry only. */
    boolean remove(Peer p) {
        Peer[] m = members;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == p) {
                Peer[] n = new Peer[m.length - 1];
                System.arraycopy(m, 0, n, 0, i);
                System.arraycopy(m, i + 1, n, i, m.length - i - 1);
                members = n;
                return true;
            }
        }
        return false;
    }

    Peer find(String id) {
        for (Peer p : members) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }

    /** Sends packets encoded once to every member but {@code except} (null: to all). */
    void sendToOthers(Peer except, List<EnginePacket> encoded) {
        for (Peer p : members) {
            if (p != except) {
                p.socket.send(encoded);
            }
        }
    }
}
