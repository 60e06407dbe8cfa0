package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.socketio.RawEvent;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.List;

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
        if (peer.room(name, Room.Kind.CODELAB) != null) {
            Signaling.refuse(peer, event, SignalingError.ALREADY_JOINED, ack);
            return;
        }
        if (peer.rooms.size() >= signaling.config.roomsPerConnection()) {
            Signaling.refuse(peer, event, SignalingError.TOO_MANY_ROOMS, ack);
            return;
        }
        Room room = signaling.codelabRooms.join(name, peer);
        if (room == null) {
            peer.socket.emit("full", name);
            if (ack != null) {
                ack.send(java.util.Map.of("ok", false, "error", SignalingError.ROOM_FULL.body(event)));
            }
            return;
        }
        peer.rooms.add(room);
        Peer[] members = room.members();
        if (members.length <= 1) {
            peer.socket.emit("created", name, peer.id());
        } else {
            room.sendToOthers(peer, SioSocket.encodeEvent("/", "join", name));
            peer.socket.emit("joined", name, peer.id());
            room.sendToOthers(null, SioSocket.encodeEvent("/", "ready", name));
        }
        if (ack != null) {
            ack.send(java.util.Map.of("ok", true, "room", name, "id", peer.id(), "size", members.length));
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
        for (Room r : peer.rooms) {
            inRoom |= r.kind() == Room.Kind.CODELAB;
        }
        if (!inRoom) {
            Signaling.refuse(peer, event, SignalingError.NOT_IN_ROOM, ack);
            return;
        }
        if (!signaling.sizeOk(peer, event, encoded, ack)) {
            return;
        }
        for (Room r : peer.rooms) {
            if (r.kind() == Room.Kind.CODELAB) {
                r.sendToOthers(peer, encoded);
            }
        }
        signaling.relayed();
        if (ack != null) {
            ack.send(java.util.Map.of("ok", true));
        }
    }

    private void bye(Peer peer, ArrayNode args, Ack ack) {
        JsonNode arg = args.path(0);
        String name = arg.isTextual() ? arg.asText() : null;
        for (Room r : List.copyOf(peer.rooms)) {
            if (r.kind() == Room.Kind.CODELAB && (name == null || r.name().equals(name))) {
                leave(peer, r, false);
            }
        }
        if (ack != null) {
            ack.send(java.util.Map.of("ok", true));
        }
    }

    void leave(Peer peer, Room room, boolean disconnected) {
        peer.rooms.remove(room);
        signaling.codelabRooms.leave(room, peer);
        room.sendToOthers(peer, SioSocket.encodeEvent("/", "bye", room.name(), peer.id()));
        if (disconnected) {
            room.sendToOthers(peer, SioSocket.encodeEvent("/", "message", "bye"));
        }
    }
}
