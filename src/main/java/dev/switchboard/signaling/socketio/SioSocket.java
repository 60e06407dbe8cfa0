package dev.switchboard.signaling.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.signaling.engineio.EnginePacket;
import dev.switchboard.signaling.engineio.Handshake;
import dev.switchboard.signaling.engineio.EngineSocket;
import dev.switchboard.signaling.engineio.SessionLoop;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A client's connection to one namespace: event handlers, emits, acknowledgements both ways, and
 * disconnect. Handlers run on the connection's event loop; {@link #emit} and {@link #send} may be
 * called from any thread.
 *
 * <p>A recoverable socket (connection state recovery on, a Socket.IO v5 client) has a private id
 * ({@link #pid}) and a {@link SessionLog} of the events it was sent. When its connection drops it is
 * {@link State#AWAY}: parked in the {@link RecoveryStore}, still connected as far as the application can
 * tell, its events logged instead of sent. A client back in time with the pid and its last offset gets
 * it back on the new connection ({@link #resumeOn}), possibly on another event loop, with what it missed
 * and {@link #recovered} true; otherwise it ends when the window does and its disconnect handlers run.
 * Log and wire stay in one order because both are written on the loop of the connection the socket is
 * on at that moment; a send that finds the socket moved follows it to the new loop.
 */
public final class SioSocket implements RecoveryStore.Parked {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the socket is: on a connection, parked without one, being handed to a new one, or ended. */
    enum State { LIVE, AWAY, RESUMING, CLOSED }

    private volatile SioClient client;
    private final String namespace;
    private final String id;
    /** The private session id; null when the socket cannot be recovered. */
    private final String pid;
    private final SessionLog log;
    private final JsonNode auth;
    private final Handlers handlers = new Handlers();
    private final List<Consumer<String>> disconnectHandlers = new ArrayList<>(1);
    private final Map<Long, Consumer<ArrayNode>> pendingAcks = new HashMap<>();
    private long nextAckId;
    private volatile State state = State.LIVE;
    private boolean recovered;
    private volatile Object data;
    /** Sends this socket holds already (a box read) whose delivery may still come: skipped once when it does. */
    private Set<String> caughtUp;

    /**
     * {@code id} null: a fresh random one; {@code log} null: not recoverable; {@code pid} null: a fresh
     * one (the socket id, a dot and a random part) when recoverable.
     */
    SioSocket(SioClient client, String namespace, JsonNode auth, String id, SessionLog log, String pid) {
        this.client = client;
        this.namespace = namespace;
        this.auth = auth;
        this.id = id != null ? id : newId();
        this.log = log;
        this.pid = log == null ? null : pid != null ? pid : this.id + "." + newId();
    }

    private static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public String id() {
        return id;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public String pid() {
        return pid;
    }

    /** True when this socket was resumed by its client after its connection dropped. */
    public boolean recovered() {
        return recovered;
    }

    /**
     * The auth payload of the CONNECT packet (an empty object when none); for Socket.IO 2.x clients, the
     * handshake's query parameters as strings ({@link SioProtocol}).
     */
    public JsonNode auth() {
        return auth;
    }

    /** What the application keeps with the socket (null until set). */
    public Object data() {
        return data;
    }

    public void data(Object value) {
        this.data = value;
    }

    public Handshake handshake() {
        return client.engine().handshake();
    }

    public SessionLoop loop() {
        return client.engine().loop();
    }

    /** Moves this socket's session, with its other namespaces, to {@code loop} ({@link EngineSocket#moveTo}). */
    public void moveTo(EventExecutor loop) {
        client.engine().moveTo(loop);
    }

    /** Until the socket ends: also while its client is away and may come back. */
    public boolean connected() {
        return state != State.CLOSED;
    }

    State state() {
        return state;
    }

    public void on(String event, EventHandler handler) {
        handlers.on(event, handler);
    }

    /**
     * Handles a plain event (no binary attachments) as the text it arrived in, for relays that forward
     * it unchanged; takes precedence over {@link #on} for such events.
     */
    public void onRaw(String event, RawEventHandler handler) {
        handlers.onRaw(event, handler);
    }

    /** Called for events that have no handler of their own. */
    public void onAny(EventHandler handler) {
        handlers.onAny(handler);
    }

    public void onDisconnect(Consumer<String> handler) {
        disconnectHandlers.add(handler);
    }

    /**
     * Emits an event; arguments are turned into JSON (byte arrays become binary attachments). With
     * recovery on it carries an offset and is replayed to a client that missed it.
     */
    public void emit(String event, Object... args) {
        List<EnginePacket> encoded = client.server().emitter().event(namespace, event, args);
        if (pid != null) {
            client.server().store().emit(this, encoded);
        } else {
            send(encoded);
        }
    }

    /** Emits an event and calls {@code onAck} with the client's acknowledgement arguments. */
    public void emitWithAck(String event, Consumer<ArrayNode> onAck, Object... args) {
        runOnLoop(() -> {
            long ackId = nextAckId++;
            pendingAcks.put(ackId, onAck);
            client.send(new SioPacket(SioPacket.Type.EVENT, namespace, ackId, Emitter.eventData(event, args)));
        });
    }

    /**
     * Sends event packets encoded once (fan-out to many sockets, {@link Emitter}); a recoverable socket
     * logs them too, or only logs them while its client is away.
     */
    public void send(List<EnginePacket> encoded) {
        SioClient c = client;
        if (log == null) {
            if (state != State.CLOSED) {
                c.engine().send(c.stripsOffsets() ? Emitter.withoutOffsets(encoded) : encoded);
            }
        } else if (c.engine().loop().inEventLoop()) {
            logAndSend(c, encoded);
        } else {
            c.engine().loop().execute(() -> send(encoded));
        }
    }

    private void logAndSend(SioClient c, List<EnginePacket> encoded) {
        if (caughtUp != null && caughtUp.remove(SessionLog.first(encoded))) {
            return; // sent already by a catch-up
        }
        switch (state) {
            case LIVE -> {
                log.add(encoded, System.nanoTime());
                c.engine().send(encoded);
            }
            case AWAY, RESUMING -> {
                if (!log.add(encoded, System.nanoTime())) {
                    if (state == State.AWAY) {
                        client.server().store().drop(this);
                    }
                    closed("recovery limit reached");
                }
            }
            case CLOSED -> { }
        }
    }

    /** On the loop, as the connection drops: waits for the client in the store. */
    void park() {
        state = State.AWAY;
        log.away();
        RecoveryStore store = client.server().store();
        store.park(this);
        loop().schedule(this::checkExpiry, store.window().toMillis() + 1, TimeUnit.MILLISECONDS);
    }

    private void checkExpiry() {
        if (client.server().store().expire(pid)) {
            loop().schedule(this::checkExpiry, 100, TimeUnit.MILLISECONDS); // not over yet (a timer early, or parked again)
        }
    }

    /**
     * A socket made for a session taken over from another node: away until it is resumed, and logging
     * what it is sent meanwhile; {@code history} (its box) is put before that once it is read.
     */
    void awaitTakeover() {
        state = State.AWAY;
        log.away();
    }

    /**
     * On the loop: what the session was sent before this node took it over, in order. A send the box
     * holds may still be on its way through this node's subscription (run by Redis before the box was
     * read, not yet delivered here): it is skipped once when it comes.
     */
    void seed(List<List<EnginePacket>> history) {
        log.seed(history, System.nanoTime());
        skipOnce(history);
    }

    /**
     * Sends (or, while away, logs) what the session's box holds and this socket was not sent: its node's
     * subscription to Redis was cut for a moment. Later than the sends around them, but not lost.
     */
    public void catchUp(List<List<EnginePacket>> box) {
        if (log == null) {
            return;
        }
        runOnLoop(() -> {
            List<List<EnginePacket>> missing = log.missing(box);
            if (missing.isEmpty()) {
                return;
            }
            for (List<EnginePacket> missed : missing) {
                logAndSend(client, missed);
            }
            // What the subscription still had on its way when the box was read would come twice.
            skipOnce(missing);
        });
    }

    /** On the loop: these sends, if they come again within 10 s, are dropped once (see {@link #logAndSend}). */
    private void skipOnce(List<List<EnginePacket>> sends) {
        if (sends.isEmpty()) {
            return;
        }
        Set<String> texts = new HashSet<>();
        for (List<EnginePacket> send : sends) {
            texts.add(SessionLog.first(send));
        }
        caughtUp = texts;
        loop().schedule(() -> {
            if (caughtUp == texts) {
                caughtUp = null;
            }
        }, 10, TimeUnit.SECONDS);
    }

    /** Parks again a socket claimed for a connection that could not take it. */
    void parkAgain() {
        runOnLoop(() -> {
            if (state == State.AWAY) {
                park();
            }
        });
    }

    @Override
    public void expired() {
        runOnLoop(() -> closed("recovery window ended"));
    }

    /**
     * Hands this parked socket to {@code to}, its client's new connection, which runs {@code done} on
     * its loop with true once the socket is on it (CONNECT answered, missed events sent), or with false
     * when the session cannot be resumed from {@code offset} (it then ends).
     */
    void resumeOn(SioClient to, String offset, Consumer<Boolean> done) {
        runOnLoop(() -> {
            if (state != State.AWAY) {
                to.engine().loop().execute(() -> done.accept(false));
                return;
            }
            if (log.after(offset) == null) {
                closed("recovery offset not held");
                to.engine().loop().execute(() -> done.accept(false));
                return;
            }
            state = State.RESUMING;
            // queued before the socket is seen on the new connection, so every send that follows it there
            // runs after the replay
            to.engine().loop().execute(() -> finishResume(to, offset, done));
            client = to;
        });
    }

    private void finishResume(SioClient to, String offset, Consumer<Boolean> done) {
        if (state != State.RESUMING) {
            done.accept(false);
            return;
        }
        if (!to.engine().isOpen()) {
            park(); // gone again before it was resumed
            return;
        }
        List<EnginePacket> missed = log.after(offset);
        if (missed == null) {
            closed("recovery offset not held");
            done.accept(false);
            return;
        }
        recovered = true;
        log.back();
        state = State.LIVE;
        to.adopt(this);
        if (!missed.isEmpty()) {
            to.engine().send(missed);
        }
        done.accept(true);
    }

    /** Leaves the namespace, telling the client; with {@code closeConnection} the whole session ends. */
    public void disconnect(boolean closeConnection) {
        runOnLoop(() -> {
            if (state == State.AWAY || state == State.RESUMING) {
                client.server().store().drop(this);
                closed("server namespace disconnect");
                return;
            }
            if (state == State.CLOSED) {
                return;
            }
            client.send(new SioPacket(SioPacket.Type.DISCONNECT, namespace, SioPacket.NO_ACK, null));
            client.removed(this);
            closed("server namespace disconnect");
            if (closeConnection) {
                client.engine().close("forced close");
            }
        });
    }

    private void runOnLoop(Runnable r) {
        if (loop().inEventLoop()) {
            r.run();
        } else {
            loop().execute(r);
        }
    }

    void onPacket(SioPacket p) {
        switch (p.type()) {
            case EVENT -> onEvent(p);
            case ACK -> {
                Consumer<ArrayNode> cb = pendingAcks.remove(p.ackId());
                if (cb != null) {
                    cb.accept((ArrayNode) p.data());
                }
            }
            case DISCONNECT -> {
                client.removed(this);
                closed("client namespace disconnect");
            }
            default -> { }
        }
    }

    void onRawEvent(RawEvent e) throws SioProtocolException {
        Ack ack = e.wantsAck() ? new OnceAck(e.ackId()) : null;
        RawEventHandler raw = handlers.raw(e.event());
        if (raw != null) {
            raw.handle(this, e, ack);
        } else {
            handlers.dispatch(this, e.data(), ack);
        }
    }

    private void onEvent(SioPacket p) {
        handlers.dispatch(this, (ArrayNode) p.data(), p.wantsAck() ? new OnceAck(p.ackId()) : null);
    }

    void closed(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        pendingAcks.clear();
        if (pid != null) {
            client.server().store().ended(this);
        }
        for (Consumer<String> h : disconnectHandlers) {
            h.accept(reason);
        }
    }

    private final class OnceAck implements Ack {
        private final long ackId;
        private boolean sent;

        OnceAck(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public void send(Object... args) {
            runOnLoop(() -> {
                if (sent || state != State.LIVE) {
                    return;
                }
                sent = true;
                ArrayNode a = JsonNodeFactory.instance.arrayNode(args.length);
                for (Object o : args) {
                    a.add(Emitter.toJson(o));
                }
                client.send(new SioPacket(SioPacket.Type.ACK, namespace, ackId, a));
            });
        }
    }
}
