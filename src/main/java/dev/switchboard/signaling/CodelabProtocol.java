package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.Joined;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.room.RoomName;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.socketio.RawEvent;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The WebRTC codelab's room events, so its client works unchanged, without the codelab server's bugs:
 * <ul>
 *   <li>{@code create or join(room)}: {@code created(room, id)} to the first peer; to the next,
 *       {@code joined(room, id)}, with {@code join(room)} to those already in and {@code ready(room)} once
 *       to every member; {@code full(room)} past capacity.</li>
 *   <li>{@code message(...)}: relayed to the other peers of the sender's codelab rooms only.</li>
 *   <li>{@code bye(room)} or a disconnect: the others get {@code bye(room, id)} and, for codelab clients
 *       that hang up on it, {@code message("bye")}.</li>
 * </ul>
 */
final class CodelabProtocol {
    private final Signaling signaling;

    CodelabProtocol(Signaling signaling) {
        this.signaling = signaling;
    }

    void install(Peer peer) {
        SioSocket s = peer.socket;
        s.on("create or join", (sock, args, ack) -> createOrJoin(peer, args, ack));
        s.on("message", (sock, args, ack) -> message(peer, args, ack));
        s.onRaw("message", (sock, event, ack) -> relay(peer, event.relayed(), ack));
        s.on("bye", (sock, args, ack) -> bye(peer, args, ack));
    }

    private void createOrJoin(Peer peer, ArrayNode args, Ack ack) {
        String event = "create or join";
        if (!signaling.admit(peer, event, ack)) {
            return;
        }
        JsonNode arg = args.path(0);
        String name = arg.isTextual() ? arg.asText() : arg.isNumber() ? arg.asText() : null;
        if (!RoomName.isValid(name)) {
            Signaling.refuse(peer, event, SignalingError.BAD_ROOM_NAME, ack);
            return;
        }
        if (!signaling.tokenAllows(peer, name, event, ack)) {
            return;
        }
        RoomKey key = new RoomKey(RoomKind.CODELAB, name);
        if (peer.inOrJoining(key)) {
            Signaling.refuse(peer, event, SignalingError.ALREADY_JOINED, ack);
            return;
        }
        if (peer.roomsHeld() >= signaling.config.roomsPerConnection()) {
            Signaling.refuse(peer, event, SignalingError.TOO_MANY_ROOMS, ack);
            return;
        }
        peer.joining.add(key);
        Signaling.onLoop(peer, signaling.cluster.join(key, signaling.config.codelabRoomCapacity(), peer),
                (joined, error) -> joined(peer, key, joined, error, ack));
    }

    private void joined(Peer peer, RoomKey key, Joined joined, Throwable error, Ack ack) {
        String event = "create or join";
        String name = key.name();
        peer.joining.remove(key);
        if (error != null) {
            Signaling.refuse(peer, event, SignalingError.CLUSTER_UNAVAILABLE, ack);
            return;
        }
        if (!joined.ok()) {
            peer.socket.emit("full", name);
            if (ack != null) {
                ack.send(java.util.Map.of("ok", false, "error", SignalingError.ROOM_FULL.body(event)));
            }
            return;
        }
        ClusterRoom room = joined.room();
        if (!peer.socket.connected()) {
            room.leave(peer, null); // gone while Redis decided
            return;
        }
        peer.rooms.add(room);
        int size = joined.members().size();
        if (size <= 1) {
            peer.socket.emit("created", name, peer.id());
        } else {
            room.broadcast(peer, SioSocket.encodeEvent("/", "join", name));
            peer.socket.emit("joined", name, peer.id());
            room.broadcast(null, SioSocket.encodeEvent("/", "ready", name));
        }
        if (ack != null) {
            ack.send(java.util.Map.of("ok", true, "room", name, "id", peer.id(), "size", size));
        }
    }

    /** A message with binary attachments (plain ones arrive as {@link RawEvent}s). */
    private void message(Peer peer, ArrayNode args, Ack ack) {
        Object[] relayed = new Object[args.size()];
        for (int i = 0; i < relayed.length; i++) {
            relayed[i] = args.get(i);
        }
        relay(peer, SioSocket.encodeEvent("/", "message", relayed), ack);
    }

    private void relay(Peer peer, List<EnginePacket> encoded, Ack ack) {
        String event = "message";
        if (!signaling.admit(peer, event, ack)) {
            return;
        }
        boolean inRoom = false;
        for (ClusterRoom r : peer.rooms) {
            inRoom |= r.key().kind() == RoomKind.CODELAB;
        }
        if (!inRoom) {
            Signaling.refuse(peer, event, SignalingError.NOT_IN_ROOM, ack);
            return;
        }
        if (!signaling.sizeOk(peer, event, encoded, ack)) {
            return;
        }
        CompletableFuture<Void> sent = null;
        for (ClusterRoom r : peer.rooms) {
            if (r.key().kind() == RoomKind.CODELAB) {
                sent = Signaling.both(sent, r.broadcast(peer, encoded));
            }
        }
        signaling.afterRelay(peer, event, sent, ack);
    }

    private void bye(Peer peer, ArrayNode args, Ack ack) {
        JsonNode arg = args.path(0);
        String name = arg.isTextual() ? arg.asText() : null;
        for (ClusterRoom r : List.copyOf(peer.rooms)) {
            if (r.key().kind() == RoomKind.CODELAB && (name == null || r.key().name().equals(name))) {
                leave(peer, r, false);
            }
        }
        if (ack != null) {
            ack.send(Signaling.OK);
        }
    }

    void leave(Peer peer, ClusterRoom room, boolean disconnected) {
        peer.rooms.remove(room);
        String name = room.key().name();
        room.leave(peer, disconnected ? Departures.codelabDisconnected(name, peer.id()) : Departures.codelabBye(name, peer.id()));
    }
}
