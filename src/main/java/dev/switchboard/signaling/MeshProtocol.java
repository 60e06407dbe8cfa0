package dev.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.cluster.ClusterRoom;
import dev.switchboard.cluster.Joined;
import dev.switchboard.cluster.MemberInfo;
import dev.switchboard.cluster.RoomKey;
import dev.switchboard.cluster.RoomKind;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.socketio.Ack;
import dev.switchboard.signaling.socketio.SioSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Mesh rooms of up to N peers (docs/signaling.md): {@code join}, {@code signal} (to one peer or the
 * room), {@code leave}; {@code peer-joined} and {@code peer-left} to the others. Every request is acked
 * with {@code {ok: true, ...}} or {@code {ok: false, error}}, and every refusal also emits {@code error}.
 */
final class MeshProtocol {
    private static final int MAX_NAME = 64;
    private final Signaling signaling;
    private final RoomPolicy policy;

    MeshProtocol(Signaling signaling, RoomPolicy policy) {
        this.signaling = signaling;
        this.policy = policy;
    }

    void install(Peer peer) {
        SioSocket s = peer.socket();
        s.on("join", (sock, args, ack) -> join(peer, args.path(0), ack));
        s.on("signal", (sock, args, ack) -> signal(peer, args.path(0), ack));
        s.on("leave", (sock, args, ack) -> leave(peer, args.path(0), ack));
    }

    private void join(Peer peer, JsonNode req, Ack ack) {
        String name = req.isTextual() ? req.asText() : req.path("room").isTextual() ? req.path("room").asText() : null;
        signaling.join(peer, "join", new RoomKey(RoomKind.MESH, name), new Joining(req.path("name")), ack);
    }

    /** The mesh's part of a join: the display name (the token's user when there is one) and the answer. */
    private final class Joining implements JoinSteps {
        private final JsonNode requestedName;

        Joining(JsonNode requestedName) {
            this.requestedName = requestedName;
        }

        @Override
        public void admitted(Peer peer) {
            peer.name(peer.token() != null ? displayName(TextNode.valueOf(peer.token().user())) : displayName(requestedName));
        }

        @Override
        public void full(Peer peer, String room, Ack ack) {
            peer.refuse("join", SignalingError.ROOM_FULL, ack);
        }

        @Override
        public void entered(Peer peer, ClusterRoom room, Joined joined, Ack ack) {
            String name = room.key().name();
            List<Map<String, Object>> peers = new ArrayList<>();
            for (MemberInfo p : joined.members()) {
                if (!p.id().equals(peer.id())) {
                    peers.add(Map.of("id", p.id(), "name", p.name()));
                }
            }
            room.broadcast(peer, signaling.event("peer-joined",
                    Map.of("room", name, "id", peer.id(), "name", peer.name())));
            if (ack != null) {
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("ok", true);
                res.put("room", name);
                res.put("id", peer.id());
                res.put("name", peer.name());
                res.put("peers", peers);
                res.put("capacity", policy.capacity(RoomKind.MESH));
                Object ice = signaling.iceServersFor(peer);
                if (ice != null) {
                    res.put("ice", ice);
                }
                ack.send(res);
            }
        }
    }

    private void signal(Peer peer, JsonNode req, Ack ack) {
        String event = "signal";
        if (!policy.admit(peer, event, ack)) {
            return;
        }
        if (!req.isObject() || !req.has("data") || !req.path("room").isTextual()) {
            peer.refuse(event, SignalingError.BAD_REQUEST, ack);
            return;
        }
        ClusterRoom room = peer.room(req.get("room").asText(), RoomKind.MESH);
        if (room == null) {
            peer.refuse(event, SignalingError.NOT_IN_ROOM, ack);
            return;
        }
        String target = null;
        JsonNode to = req.get("to");
        if (to != null && !to.isNull()) {
            if (!to.isTextual() || to.asText().equals(peer.id())) {
                peer.refuse(event, SignalingError.NO_SUCH_PEER, ack);
                return;
            }
            target = to.asText();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("room", room.key().name());
        out.put("from", peer.id());
        if (target != null) {
            out.put("to", target);
        }
        out.set("data", req.get("data"));
        List<EnginePacket> encoded = signaling.event("signal", out);
        if (!policy.sizeOk(peer, event, encoded, ack)) {
            return;
        }
        if (target == null) {
            signaling.afterRelay(peer, event, room.broadcast(peer, encoded), ack);
            return;
        }
        CompletableFuture<Boolean> sent = room.sendTo(peer, target, encoded);
        if (sent.isDone() && !sent.isCompletedExceptionally()) {
            targeted(peer, sent.join(), null, ack); // in-process rooms: no callback allocated
        } else {
            Signaling.onLoop(peer, sent, (found, error) -> targeted(peer, found, error, ack));
        }
    }

    private void targeted(Peer peer, Boolean found, Throwable error, Ack ack) {
        if (error != null) {
            peer.refuse("signal", SignalingError.CLUSTER_UNAVAILABLE, ack);
        } else if (!found) {
            peer.refuse("signal", SignalingError.NO_SUCH_PEER, ack);
        } else {
            signaling.relayed();
            if (ack != null) {
                ack.send(Signaling.OK);
            }
        }
    }

    private void leave(Peer peer, JsonNode req, Ack ack) {
        String name = req.isTextual() ? req.asText() : req.path("room").asText(null);
        ClusterRoom room = name == null ? null : peer.room(name, RoomKind.MESH);
        if (room == null) {
            peer.refuse("leave", SignalingError.NOT_IN_ROOM, ack);
            return;
        }
        leave(peer, room, "left");
        if (ack != null) {
            ack.send(Signaling.OK);
        }
    }

    void leave(Peer peer, ClusterRoom room, String reason) {
        peer.left(room);
        room.leave(peer, Departures.meshLeft(signaling.emitter(), room.key().name(), peer.id(), reason));
    }

    private static String displayName(JsonNode n) {
        if (!n.isTextual()) {
            return "Guest";
        }
        StringBuilder sb = new StringBuilder();
        n.asText().codePoints().filter(c -> !Character.isISOControl(c)).limit(MAX_NAME).forEach(sb::appendCodePoint);
        String s = sb.toString().strip();
        return s.isEmpty() ? "Guest" : s;
    }

}
