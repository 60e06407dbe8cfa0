package dev.switchboard.signaling.engineio;

import dev.switchboard.net.ChannelMove;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Engine.IO session: its transport (long-polling, WebSocket, or polling while a WebSocket probe is
 * under way), the packets waiting for a poll, and the heartbeat. All state is owned by one event loop at
 * a time (its {@link SessionLoop}); public methods may be called from any thread.
 */
public final class EngineSocket {
    enum Transport { POLLING, WEBSOCKET }

    /** How long a session closed by its client over polling answers one racing poll with NOOP. */
    static final long CLOSE_LINGER_MS = 1_000;
    /**
     * How long a poll met during an upgrade (the probe answered) is held before it is released with NOOP:
     * the client's upgrade packet, sent before that poll on the WebSocket, may still be on its way through
     * another event loop. A standard client pauses polling before it upgrades, so its poll is released
     * after this grace; a poll the upgrade overtakes is refused like any later one.
     */
    public static final long UPGRADE_GRACE_MS = 50;

    private final String id;
    private final EngineServer server;
    private final SessionLoop loop;
    private final Handshake handshake;
    private final EngineProtocol protocol;
    private final Heartbeat heartbeat;
    /** v3 only: the client asked for base64 binary ({@code b64} on the handshake), so never send it bytes. */
    private final boolean base64;

    private Transport transport;
    private Channel ws;
    private Channel probe;
    /** The probe was answered: polls are released at once so the client can finish the upgrade. */
    private boolean upgrading;
    private final ArrayDeque<EnginePacket> buffer = new ArrayDeque<>();
    private long bufferedBytes;
    private ChannelHandlerContext poll;
    private boolean pollKeepAlive;
    private String pollOrigin;
    private boolean closed;
    /** Closed by the client over polling with no poll held: the next poll, racing the close, gets NOOP. */
    private boolean noopOwed;
    private volatile SessionListener listener;
    /** Where {@link #moveTo} was asked to move the session during an upgrade. */
    private EventExecutor moveAfterUpgrade;

    EngineSocket(String id, EngineServer server, EventExecutor loop, Handshake handshake, Transport transport,
                 EngineProtocol protocol) {
        this.id = id;
        this.server = server;
        this.loop = new SessionLoop(loop);
        this.handshake = handshake;
        this.transport = transport;
        this.protocol = protocol;
        this.base64 = protocol == EngineProtocol.V3 && handshake.param("b64") != null;
        this.heartbeat = new Heartbeat(this.loop, protocol, server.config().pingInterval().toMillis(),
                server.config().pingTimeout().toMillis(), () -> sendNow(EnginePacket.PING), () -> closeNow("ping timeout"));
    }

    /** The upgraded or WebSocket connection, or null; read on the session's loop (tests). */
    Channel webSocket() {
        return ws;
    }

    public String id() {
        return id;
    }

    /** Where the session runs; work handed to it runs in order, across a {@link #moveTo} too. */
    public SessionLoop loop() {
        return loop;
    }

    public Handshake handshake() {
        return handshake;
    }

    /** The Engine.IO revision the client speaks (from the handshake's {@code EIO}). */
    public EngineProtocol protocol() {
        return protocol;
    }

    /** The transport name as the protocol spells it ("polling" or "websocket"). */
    public String transportName() {
        return transport == Transport.WEBSOCKET ? "websocket" : "polling";
    }

    /** Sets what hears this session's messages and its end (until then they go unheard). */
    public void attach(SessionListener l) {
        listener = l;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Sends a packet to the client; from any thread. */
    public void send(EnginePacket packet) {
        if (loop.inEventLoop()) {
            sendNow(packet);
        } else {
            loop.execute(() -> sendNow(packet));
        }
    }

    /** Sends several packets; over long-polling they leave in one response. */
    public void send(List<EnginePacket> packets) {
        if (loop.inEventLoop()) {
            for (EnginePacket p : packets) {
                queueOrWrite(p, false);
            }
            afterQueue();
        } else {
            loop.execute(() -> send(packets));
        }
    }

    /** Closes the session; from any thread. */
    public void close(String reason) {
        if (loop.inEventLoop()) {
            closeNow(reason);
        } else {
            loop.execute(() -> closeNow(reason));
        }
    }

    /**
     * On the session's loop: moves the session and its WebSocket to {@code target}, another loop of the
     * same group, so that it shares a thread with the sessions it relays to. Work handed to it meanwhile
     * waits, then runs there in order; reads wait in the kernel. The move starts after the caller's task;
     * during an upgrade, once the upgrade is over. A connection that cannot move (io_uring) stays.
     */
    public void moveTo(EventExecutor target) {
        EventExecutor from = loop.current();
        if (closed || target == from || !from.inEventLoop()) {
            return;
        }
        if (probe != null) {
            moveAfterUpgrade = target;
            return;
        }
        if (transport == Transport.POLLING) {
            loop.moving();
            from.execute(() -> loop.moved(target));
            return;
        }
        Channel ch = ws;
        if (!ChannelMove.possible(ch, target)) {
            return;
        }
        loop.moving();
        ch.config().setAutoRead(false);
        ChannelMove.move(ch, (EventLoop) target, () -> {
            ch.config().setAutoRead(true);
            loop.moved(target);
        }, () -> loop.moved(from)); // closed: the session hears it where it was
    }

    /** The upgrade ended (done or not): a move asked for meanwhile is made now. */
    private void upgradeOver() {
        EventExecutor target = moveAfterUpgrade;
        if (target != null) {
            moveAfterUpgrade = null;
            moveTo(target);
        }
    }

    // ---- on the loop -------------------------------------------------------------------------------

    void opened(EnginePacket open) {
        sendNow(open);
        heartbeat.start();
    }

    private void sendNow(EnginePacket p) {
        queueOrWrite(p, true);
        afterQueue();
    }

    private void queueOrWrite(EnginePacket p, boolean flush) {
        if (closed) {
            return;
        }
        if (transport == Transport.WEBSOCKET) {
            if (!ws.isActive()) {
                closeNow("transport close"); // gone before its close was seen: not a slow consumer
                return;
            }
            if (!ws.isWritable()) {
                closeNow("slow consumer");
                return;
            }
            Object frame = WebSocketFrames.of(p, protocol, base64, ws.alloc());
            if (flush) {
                ws.writeAndFlush(frame, ws.voidPromise());
            } else {
                ws.write(frame, ws.voidPromise());
            }
            return;
        }
        buffer.add(p);
        bufferedBytes += p.isBinary() ? p.binaryLength() * 4L / 3 + 2 : p.text().length() + 2;
        if (bufferedBytes > server.config().outboundQueueBytes()) {
            closeNow("slow consumer");
        }
    }

    private void afterQueue() {
        if (closed) {
            return;
        }
        if (transport == Transport.WEBSOCKET) {
            ws.flush();
        } else {
            flushPoll();
        }
    }

    private void flushPoll() {
        if (poll == null || buffer.isEmpty()) {
            return;
        }
        List<EnginePacket> out = new ArrayList<>(buffer);
        buffer.clear();
        bufferedBytes = 0;
        ChannelHandlerContext ctx = poll;
        poll = null;
        if (protocol == EngineProtocol.V3 && !base64 && EngineCodecV3.hasBinary(out)) {
            server.writeBinaryPayload(ctx, pollKeepAlive, pollOrigin, EngineCodecV3.encodeBinaryPayload(out));
        } else {
            server.writePayload(ctx, pollKeepAlive, pollOrigin, protocol.encodePayload(out));
        }
    }

    /** A long-polling GET. Answers at once when packets wait, else holds the request. */
    void onPoll(ChannelHandlerContext ctx, boolean keepAlive, String origin) {
        if (noopOwed) {
            // A poll sent beside the client's close but served after it: what it would have got if first.
            noopOwed = false;
            server.remove(this, "transport close");
            server.writePayload(ctx, keepAlive, origin, protocol.encodePayload(List.of(EnginePacket.NOOP)));
            return;
        }
        if (closed || transport != Transport.POLLING) {
            server.writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return;
        }
        if (poll != null) {
            // Two polls at once: the protocol forbids it, and the session ends.
            server.writeError(ctx, false, origin, EngineError.BAD_REQUEST);
            closeNow("transport error");
            return;
        }
        poll = ctx;
        pollKeepAlive = keepAlive;
        pollOrigin = origin;
        if (upgrading && buffer.isEmpty()) {
            releaseForUpgrade();
        } else {
            flushPoll();
        }
    }

    /** Releases the held poll with NOOP after the upgrade grace, unless something else answered it first. */
    private void releaseForUpgrade() {
        ChannelHandlerContext held = poll;
        loop.schedule(() -> {
            if (poll == held && upgrading && !closed) {
                if (buffer.isEmpty()) {
                    buffer.add(EnginePacket.NOOP);
                }
                flushPoll();
            }
        }, UPGRADE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** The connection of a held poll went away. */
    void onPollClosed(ChannelHandlerContext ctx) {
        if (poll == ctx) {
            poll = null;
            if (transport == Transport.POLLING && probe == null) {
                closeNow("transport close");
            }
        }
    }

    /** Packets from a long-polling POST. */
    void onPost(List<EnginePacket> packets) {
        if (transport != Transport.POLLING) {
            return;
        }
        for (EnginePacket p : packets) {
            if (closed) {
                return;
            }
            onPacket(p);
        }
    }

    /** A packet that arrived on a WebSocket of this session (the transport or a probe). */
    void onWebSocketPacket(Channel ch, EnginePacket p) {
        if (closed) {
            return;
        }
        if (ch == probe) {
            if (p.type() == EnginePacket.Type.PING && "probe".equals(p.text())) {
                ch.writeAndFlush(new TextWebSocketFrame("3probe"));
                // Let the pending poll (and any later one) return so the client can pause polling.
                upgrading = true;
                if (poll != null && buffer.isEmpty()) {
                    releaseForUpgrade();
                } else {
                    flushPoll();
                }
            } else if (p.type() == EnginePacket.Type.UPGRADE) {
                completeUpgrade();
            } else {
                probe = null;
                upgrading = false;
                ch.close();
                upgradeOver();
            }
            return;
        }
        if (ch == ws) {
            onPacket(p);
        }
    }

    /** A WebSocket of this session closed. */
    void onWebSocketClosed(Channel ch) {
        if (ch == probe) {
            probe = null;
            upgrading = false;
            upgradeOver();
        } else if (ch == ws) {
            closeNow("transport close");
        }
    }

    boolean startProbe(Channel ch) {
        if (closed || transport != Transport.POLLING || probe != null) {
            return false;
        }
        probe = ch;
        return true;
    }

    void attachWebSocket(Channel ch) {
        ws = ch;
    }

    private void completeUpgrade() {
        transport = Transport.WEBSOCKET;
        ws = probe;
        probe = null;
        upgrading = false;
        if (poll != null) {
            // Still held in the upgrade grace: a client pauses polling before it upgrades, so this poll came
            // after the upgrade packet (on another connection) and is refused like every later poll.
            ChannelHandlerContext ctx = poll;
            poll = null;
            server.writeError(ctx, pollKeepAlive, pollOrigin, EngineError.BAD_REQUEST);
        }
        List<EnginePacket> pending = new ArrayList<>(buffer);
        buffer.clear();
        bufferedBytes = 0;
        for (EnginePacket p : pending) {
            queueOrWrite(p, false);
        }
        if (!closed) {
            ws.flush();
            upgradeOver();
        }
    }

    private void onPacket(EnginePacket p) {
        if (!protocol.serverPings()) {
            heartbeat.heard();
        }
        switch (p.type()) {
            case PONG -> heartbeat.onPong();
            case MESSAGE -> {
                SessionListener l = listener;
                if (l != null) {
                    l.onMessage(p);
                }
            }
            case CLOSE -> closeNow("transport close", EnginePacket.NOOP);
            case PING -> {
                if (!protocol.serverPings()) {
                    sendNow(p.text().isEmpty() ? EnginePacket.PONG : EnginePacket.of(EnginePacket.Type.PONG, p.text()));
                }
            }
            case NOOP -> { }
            default -> closeNow("parse error");
        }
    }

    void closeNow(String reason) {
        closeNow(reason, EnginePacket.CLOSE);
    }

    /**
     * Ends the session. A held poll is answered with {@code lastPacket}: CLOSE when the server ends the
     * session, NOOP when the client asked to close (it knows already).
     */
    private void closeNow(String reason, EnginePacket lastPacket) {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.stop();
        buffer.clear();
        bufferedBytes = 0;
        if (lastPacket == EnginePacket.NOOP && transport == Transport.POLLING && poll == null && probe == null) {
            // The client's close came on its own request; its poll may be on its way on another connection
            // (another event loop), so the session stays findable for a moment to answer that poll NOOP.
            noopOwed = true;
            loop.schedule(() -> {
                if (noopOwed) {
                    noopOwed = false;
                    server.remove(this, reason);
                }
            }, CLOSE_LINGER_MS, TimeUnit.MILLISECONDS);
        } else {
            server.remove(this, reason);
        }
        if (poll != null) {
            ChannelHandlerContext ctx = poll;
            poll = null;
            server.writePayload(ctx, pollKeepAlive, pollOrigin, protocol.encodePayload(List.of(lastPacket)));
        }
        if (ws != null && ws.isActive()) {
            ws.writeAndFlush(new CloseWebSocketFrame(1000, null)).addListener(ChannelFutureListener.CLOSE);
        }
        if (probe != null) {
            probe.close();
            probe = null;
        }
        SessionListener l = listener;
        if (l != null) {
            l.onClose(reason);
        }
    }
}
