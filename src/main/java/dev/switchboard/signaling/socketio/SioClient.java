package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.engineio.EngineSocket;
import dev.switchboard.signaling.engineio.SessionListener;
import dev.switchboard.signaling.engineio.SessionLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Socket.IO side of one Engine.IO session: decodes packets (collecting binary attachments), routes
 * them to the socket of their namespace, and handles CONNECT as the client's protocol revision wants it
 * ({@link SioProtocol}). With connection state recovery on, a CONNECT carrying a parked session's
 * {@code pid} resumes that socket here ({@link SioSocket#resumeOn}), and sockets whose connection drops
 * for a reason the client may recover from are parked instead of closed. Runs on the session's event loop.
 */
final class SioClient implements SessionListener {
    /** Ends of a connection after which the client may come back and resume (not a refusal of ours). */
    private static final Set<String> RECOVERABLE = Set.of("transport close", "transport error", "ping timeout");

    private final SioServer server;
    private final EngineSocket engine;
    private final SioProtocol protocol;
    private final Map<String, SioSocket> sockets = new HashMap<>(2);
    /** Namespaces whose CONNECT waits for a parked session to be handed over. */
    private Set<String> resuming = Set.of();
    private SioCodec.Header pending;
    private List<byte[]> pendingBuffers;
    private SessionLoop.Timer connectTimer;
    private boolean closed;

    SioClient(SioServer server, EngineSocket engine) {
        this.server = server;
        this.engine = engine;
        this.protocol = SioProtocol.of(engine.protocol());
    }

    EngineSocket engine() {
        return engine;
    }

    SioServer server() {
        return server;
    }

    /** A Socket.IO 2.x client on a server whose events carry offsets: it gets them without. */
    boolean stripsOffsets() {
        return protocol == SioProtocol.V4 && server.emitter().offsets();
    }

    void start() {
        connectTimer = engine.loop().schedule(() -> {
            if (sockets.isEmpty()) {
                engine.close("connect timeout");
            }
        }, server.config().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (protocol.implicitMainConnect()) {
            connect("/", null);
        }
    }

    @Override
    public void onMessage(EnginePacket message) {
        if (closed) {
            return;
        }
        try {
            if (message.isBinary()) {
                if (pending == null) {
                    throw new SioProtocolException("binary data without a packet waiting for it");
                }
                pendingBuffers.add(message.bytes());
                if (pendingBuffers.size() == pending.attachments()) {
                    SioPacket p = SioCodec.reconstruct(pending, pendingBuffers);
                    pending = null;
                    pendingBuffers = null;
                    dispatch(p);
                }
                return;
            }
            if (pending != null) {
                throw new SioProtocolException("text packet while binary attachments were expected");
            }
            RawEvent event = SioCodec.decodeEvent(message.text());
            if (event != null) {
                SioSocket s = sockets.get(event.namespace());
                if (s != null) {
                    s.onRawEvent(event);
                }
                return;
            }
            SioCodec.Header h = SioCodec.decode(message.text());
            if (h.attachments() > 0) {
                pending = h;
                pendingBuffers = new ArrayList<>(h.attachments());
                return;
            }
            SioPacket p = h.packet();
            if (p.type() == SioPacket.Type.BINARY_EVENT || p.type() == SioPacket.Type.BINARY_ACK) {
                p = SioCodec.reconstruct(h, List.of());
            }
            dispatch(p);
        } catch (SioProtocolException e) {
            engine.close("parse error");
        }
    }

    private void dispatch(SioPacket p) throws SioProtocolException {
        switch (p.type()) {
            case CONNECT -> connect(p.namespace(), p.data());
            case CONNECT_ERROR -> throw new SioProtocolException("CONNECT_ERROR from a client");
            default -> {
                SioSocket s = sockets.get(p.namespace());
                if (s != null) {
                    s.onPacket(p);
                }
            }
        }
    }

    private void connect(String requested, JsonNode connectData) {
        String name = requested;
        String query = null;
        int q = protocol == SioProtocol.V4 ? requested.indexOf('?') : -1;
        if (q >= 0) {
            name = requested.substring(0, q);
            query = requested.substring(q + 1);
        }
        Namespace ns = server.find(name);
        if (ns == null) {
            connectError(name, "Invalid namespace", null);
            return;
        }
        if (sockets.containsKey(name) || resuming.contains(name)) {
            return;
        }
        RecoveryStore store = server.store();
        if (store != null && protocol == SioProtocol.V5 && connectData != null && connectData.path("pid").isTextual()) {
            resume(store, ns, connectData);
            return;
        }
        connectNew(ns, name, connectData, query);
    }

    /** A client back with its session's pid (and the offset of the last event it saw, if any). */
    private void resume(RecoveryStore store, Namespace ns, JsonNode connectData) {
        String name = ns.name();
        String offset = connectData.path("offset").isTextual() ? connectData.get("offset").asText() : null;
        if (resuming.isEmpty()) {
            resuming = new HashSet<>(2);
        }
        resuming.add(name);
        String pid = connectData.get("pid").asText();
        store.claim(pid).whenComplete((parked, error) -> engine.loop().execute(() -> {
            if (!(parked instanceof SioSocket s)) {
                if (closed || ns.takeoverHandler() == null) {
                    resumed(ns, connectData, false);
                } else {
                    store.elsewhere(pid).whenComplete((from, e) -> engine.loop().execute(() ->
                            takeOver(ns, connectData, pid, offset, from)));
                }
            } else if (closed || !s.namespace().equals(name)) {
                s.parkAgain(); // not for this connection after all: it waits on
                resuming.remove(name);
            } else {
                s.resumeOn(this, offset, ok -> resumed(ns, connectData, ok));
            }
        }));
    }

    /**
     * A client back with the pid of a session its node held and lost: a socket with that session's id
     * and pid is accepted by the namespace as a new one would be, then given the session's rooms and box
     * ({@link Namespace.TakeoverHandler}), then resumed from the client's offset like a parked one.
     */
    private void takeOver(Namespace ns, JsonNode connectData, String pid, String offset, RecoveryStore.Elsewhere from) {
        if (from == null || closed) {
            resumed(ns, connectData, false);
            return;
        }
        RecoveryStore store = server.store();
        SioSocket socket = new SioSocket(this, ns.name(), protocol.auth(connectData, engine.handshake(), null), from.sid(),
                newLog(store), pid);
        socket.awaitTakeover();
        try {
            ns.connectHandler().onConnect(socket, socket.auth());
        } catch (ConnectRefused e) {
            resumed(ns, connectData, false); // refused again there, with the reason
            return;
        }
        ns.takeoverHandler().takeOver(socket, from).whenComplete((history, e) -> engine.loop().execute(() -> {
            if (history == null) {
                socket.closed("recovery takeover failed");
                resumed(ns, connectData, false);
                return;
            }
            socket.seed(history);
            store.opened(socket);
            socket.resumeOn(this, offset, ok -> resumed(ns, connectData, ok));
        }));
    }

    private SessionLog newLog(RecoveryStore store) {
        return new SessionLog(store.window().toNanos(), server.config().recoveryMaxPackets(), server.config().outboundQueueBytes());
    }

    private void resumed(Namespace ns, JsonNode connectData, boolean ok) {
        resuming.remove(ns.name());
        if (!ok && !closed) {
            connectNew(ns, ns.name(), connectData, null); // a normal new session
        }
    }

    /** On the loop: a resumed socket joins this connection and is told it is connected (same sid and pid). */
    void adopt(SioSocket socket) {
        sockets.put(socket.namespace(), socket);
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
        send(protocol.connected(socket));
    }

    private void connectNew(Namespace ns, String name, JsonNode connectData, String query) {
        RecoveryStore store = protocol == SioProtocol.V5 ? server.store() : null;
        SessionLog log = store == null ? null : newLog(store);
        SioSocket socket = new SioSocket(this, name, protocol.auth(connectData, engine.handshake(), query),
                protocol.socketId(name, engine.id()), log, null);
        try {
            ns.connectHandler().onConnect(socket, socket.auth());
        } catch (ConnectRefused e) {
            connectError(name, e.getMessage(), e.data());
            return;
        }
        sockets.put(name, socket);
        if (store != null) {
            store.opened(socket);
        }
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
        send(protocol.connected(socket));
        // As the reference server does, what the connected handler sends leaves in a write of its own after
        // the CONNECT answer (a later task on this session's loop, before anything the client answers).
        String joined = name;
        engine.loop().execute(() -> {
            if (!closed && sockets.get(joined) == socket) {
                ns.connectedHandler().onConnected(socket);
            }
        });
    }

    private void connectError(String name, String message, Object data) {
        send(protocol.connectError(name, message, data));
    }

    void send(SioPacket p) {
        engine.send(SioCodec.encode(p));
    }

    /** A socket left its namespace (client or server side). */
    void removed(SioSocket s) {
        sockets.remove(s.namespace(), s);
    }

    @Override
    public void onClose(String reason) {
        closed = true;
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        List<SioSocket> all = new ArrayList<>(sockets.values());
        sockets.clear();
        boolean recoverable = RECOVERABLE.contains(reason);
        for (SioSocket s : all) {
            if (recoverable && s.pid() != null && s.state() == SioSocket.State.LIVE) {
                s.park();
            } else {
                s.closed(reason);
            }
        }
    }
}
