package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rooms of one node, in memory: the default. A room exists while it has members; it is created by the
 * first join and dropped with its last member, atomically with respect to other joins of that name.
 * Joins and sends complete before they return.
 */
public final class LocalRooms implements RoomCluster {
    private final ConcurrentHashMap<RoomKey, LocalRoom> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Joined> join(RoomKey key, int capacity, Member member) {
        LocalRoom[] joined = new LocalRoom[1];
        rooms.compute(key, (k, room) -> {
            LocalRoom r = room == null ? new LocalRoom(k, this) : room;
            if (r.add(member, capacity)) {
                joined[0] = r;
            }
            return r.size() == 0 ? null : r;
        });
        LocalRoom r = joined[0];
        return CompletableFuture.completedFuture(r == null ? Joined.full() : new Joined(r, r.members()));
    }

    void leave(LocalRoom room, Member member) {
        rooms.computeIfPresent(room.key(), (k, r) -> {
            if (r == room) {
                r.remove(member);
            }
            return r.size() == 0 ? null : r;
        });
    }

    @Override
    public CompletableFuture<Void> publish(RoomKey key, List<EnginePacket> encoded) {
        LocalRoom r = rooms.get(key);
        if (r != null) {
            r.broadcast(null, encoded);
        }
        return Delivery.DONE;
    }

    @Override
    public int localRoomCount() {
        return rooms.size();
    }

    @Override
    public Health health() {
        return new Health("local", true);
    }

    @Override
    public void close() {
        rooms.clear();
    }
}
