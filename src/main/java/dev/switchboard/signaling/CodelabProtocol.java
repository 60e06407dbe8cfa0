package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.Joined;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.socketio.Emitter;
import dev.switchboard.signaling.socketio.RawEvent;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.List;
import java.util.Map;

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
final class CodelabProtocol implements JoinSteps {
    private static final String CREATE_OR_JOIN = "create or join";
    private final Signaling signaling;
    private final RoomPolicy policy;

    CodelabProtocol(Signaling signaling, RoomPolicy policy) {
        this.signaling = signaling;
        this.policy = policy;
    }

    void install(Peer peer) {
        SioSocket s = peer.socket();
        s.on(CREATE_OR_JOIN, (sock, args, ack) -> createOrJoin(peer, args, ack));
        s.on("message", (sock, args, ack) -> message(peer, args, ack));
        s.onRaw("message", (sock, event, ack) -> relay(peer, signaling.emitter().relay(event), ack));
        s.on("bye", (sock, args, ack) -> bye(peer, args, ack));
    }

    private void createOrJoin(Peer peer, ArrayNode args, Ack ack) {
        JsonNode arg = args.path(0);
        String name = arg.isTextual() ? arg.asText() : arg.isNumber() ? arg.asText() : null;
        signaling.join(peer, CREATE_OR_JOIN, new RoomKey(RoomKind.CODELAB, name), this, ack);
    }

    @Override
    public void full(Peer peer, String room, Ack ack) {
        peer.socket().emit("full", room);
        if (ack != null) {
            ack.send(Map.of("ok", false, "error", SignalingError.ROOM_FULL.body(CREATE_OR_JOIN)));
        }
    }

    @Override
    public void entered(Peer peer, ClusterRoom room, Joined joined, Ack ack) {
        String name = room.key().name();
        int size = joined.members().size();
        if (size <= 1) {
            peer.socket().emit("created", name, peer.id());
        } else {
            room.broadcast(peer, signaling.event("join", name));
            peer.socket().emit("joined", name, peer.id());
            room.broadcast(null, signaling.event("ready", name));
        }
        if (ack != null) {
            ack.send(Map.of("ok", true, "room", name, "id", peer.id(), "size", size));
        }
    }

    /** A message with binary attachments (plain ones arrive as {@link RawEvent}s). */
    private void message(Peer peer, ArrayNode args, Ack ack) {
        Object[] relayed = new Object[args.size()];
        for (int i = 0; i < relayed.length; i++) {
            relayed[i] = args.get(i);
        }
        relay(peer, signaling.event("message", relayed), ack);
    }

    private void relay(Peer peer, List<EnginePacket> encoded, Ack ack) {
        String event = "message";
        if (!policy.admit(peer, event, ack)) {
            return;
        }
        if (!peer.inAny(RoomKind.CODELAB)) {
            peer.refuse(event, SignalingError.NOT_IN_ROOM, ack);
            return;
        }
        if (!policy.sizeOk(peer, event, encoded, ack)) {
            return;
        }
        signaling.afterRelay(peer, event, peer.broadcast(RoomKind.CODELAB, encoded), ack);
    }

    private void bye(Peer peer, ArrayNode args, Ack ack) {
        JsonNode arg = args.path(0);
        String name = arg.isTextual() ? arg.asText() : null;
        for (ClusterRoom r : peer.rooms()) {
            if (r.key().kind() == RoomKind.CODELAB && (name == null || r.key().name().equals(name))) {
                leave(peer, r, false);
            }
        }
        if (ack != null) {
            ack.send(Signaling.OK);
        }
    }

    void leave(Peer peer, ClusterRoom room, boolean disconnected) {
        peer.left(room);
        String name = room.key().name();
        Emitter e = signaling.emitter();
        room.leave(peer, disconnected ? Departures.codelabDisconnected(e, name, peer.id()) : Departures.codelabBye(e, name, peer.id()));
    }
}
