package dev.switchboard.signaling;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.room.RoomName;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import java.util.List;

/**
 * The rules both room protocols apply before they act: the per-connection message rate, the relay size
 * limit, room names, room tokens, rooms per connection and each kind's capacity. Each check that fails
 * refuses the request (an {@code error} event and a {@code {ok:false}} ack) and returns false. Stateless
 * beyond its settings; called on the peer's event loop.
 */
final class RoomPolicy {
    private final SignalingConfig config;
    private final Access access;

    RoomPolicy(SignalingConfig config, Access access) {
        this.config = config;
        this.access = access;
    }

    Access access() {
        return access;
    }

    int capacity(RoomKind kind) {
        return kind == RoomKind.CODELAB ? config.codelabRoomCapacity() : config.roomCapacity();
    }

    int messagesPerSecond() {
        return config.messagesPerSecond();
    }

    int messageBurst() {
        return config.messageBurst();
    }

    /** Checks the rate limit. */
    boolean admit(Peer peer, String event, Ack ack) {
        if (peer.takeMessage(System.nanoTime())) {
            return true;
        }
        peer.refuse(event, SignalingError.RATE_LIMITED, ack);
        return false;
    }

    /** True when a relay of this encoded size may be sent. */
    boolean sizeOk(Peer peer, String event, List<EnginePacket> encoded, Ack ack) {
        long size = 0;
        for (EnginePacket p : encoded) {
            size += p.length();
        }
        if (size <= config.maxMessageBytes()) {
            return true;
        }
        peer.refuse(event, SignalingError.PAYLOAD_TOO_LARGE, ack);
        return false;
    }

    /**
     * Whether the peer may start joining {@code key}: a valid name, allowed by its token (with room tokens
     * enabled), not already in or joining it, and under the rooms-per-connection limit.
     */
    boolean mayJoin(Peer peer, RoomKey key, String event, Ack ack) {
        if (!RoomName.isValid(key.name())) {
            peer.refuse(event, SignalingError.BAD_ROOM_NAME, ack);
            return false;
        }
        if (!tokenAllows(peer, key.name(), event, ack)) {
            return false;
        }
        if (peer.inOrJoining(key)) {
            peer.refuse(event, SignalingError.ALREADY_JOINED, ack);
            return false;
        }
        if (peer.roomsHeld() >= config.roomsPerConnection()) {
            peer.refuse(event, SignalingError.TOO_MANY_ROOMS, ack);
            return false;
        }
        return true;
    }

    /** With room tokens enabled, the peer's token must allow {@code room}; else {@code wrong_room}. */
    private boolean tokenAllows(Peer peer, String room, String event, Ack ack) {
        if (peer.token() == null || peer.token().allowsRoom(room)) {
            return true;
        }
        access.count(new TokenRefused(TokenRefused.Reason.WRONG_ROOM));
        peer.refuse(event, SignalingError.WRONG_ROOM, ack);
        return false;
    }
}
