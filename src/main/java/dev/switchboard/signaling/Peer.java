package dev.switchboard.signaling;

import dev.switchboard.auth.RoomToken;
import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.Member;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One connected client as the room logic sees it: its socket, display name, rate limiter, verified room
 * token, the rooms it is in and the joins still being decided (by Redis when several nodes share rooms).
 * Thread ownership: everything but {@link #name()} and {@link #deliver} is called on the socket's event
 * loop only; the name is volatile because other nodes' deliveries may read it.
 */
final class Peer implements Member {
    private final SioSocket socket;
    private final TokenBucket bucket;
    /** The verified room token of the handshake; null when rooms are open. */
    private final RoomToken token;
    private final List<ClusterRoom> rooms = new ArrayList<>(2);
    private final List<RoomKey> joining = new ArrayList<>(1);
    private volatile String name = "Guest";

    Peer(SioSocket socket, TokenBucket bucket, RoomToken token) {
        this.socket = socket;
        this.bucket = bucket;
        this.token = token;
    }

    @Override
    public String id() {
        return socket.id();
    }

    @Override
    public String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
    }

    @Override
    public void deliver(List<EnginePacket> encoded) {
        socket.send(encoded);
    }

    SioSocket socket() {
        return socket;
    }

    /** The handshake's room token, or null when rooms are open. */
    RoomToken token() {
        return token;
    }

    /** Takes one message from the rate limiter; false when the peer is over its rate. */
    boolean takeMessage(long nowNanos) {
        return bucket.tryTake(nowNanos);
    }

    /** Emits {@code error} with the refusal and, when the request asked for one, acks it with {ok:false}. */
    void refuse(String event, SignalingError error, Ack ack) {
        Map<String, Object> body = error.body(event);
        socket.emit("error", body);
        if (ack != null) {
            ack.send(Map.of("ok", false, "error", body));
        }
    }

    ClusterRoom room(String name, RoomKind kind) {
        for (ClusterRoom r : rooms) {
            if (r.key().kind() == kind && r.key().name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** In at least one room of this kind. */
    boolean inAny(RoomKind kind) {
        for (ClusterRoom r : rooms) {
            if (r.key().kind() == kind) {
                return true;
            }
        }
        return false;
    }

    /** The rooms it is in now, a copy to leave them from. */
    List<ClusterRoom> rooms() {
        return List.copyOf(rooms);
    }

    /**
     * Sends to the other members of every room of this kind it is in; null when it is in none, else done
     * when every room took it (no allocation when there is one room).
     */
    CompletableFuture<Void> broadcast(RoomKind kind, List<EnginePacket> encoded) {
        CompletableFuture<Void> sent = null;
        for (ClusterRoom r : rooms) {
            if (r.key().kind() == kind) {
                sent = Signaling.both(sent, r.broadcast(this, encoded));
            }
        }
        return sent;
    }

    /** In the room, or a join of it is under way. */
    boolean inOrJoining(RoomKey key) {
        return room(key.name(), key.kind()) != null || joining.contains(key);
    }

    int roomsHeld() {
        return rooms.size() + joining.size();
    }

    void joinStarted(RoomKey key) {
        joining.add(key);
    }

    void joinDecided(RoomKey key) {
        joining.remove(key);
    }

    void entered(ClusterRoom room) {
        rooms.add(room);
    }

    void left(ClusterRoom room) {
        rooms.remove(room);
    }
}
