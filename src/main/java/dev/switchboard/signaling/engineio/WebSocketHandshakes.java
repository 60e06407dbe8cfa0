package dev.switchboard.signaling.engineio;

import dev.switchboard.net.ChannelMove;
import dev.switchboard.web.HttpPipeline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * The WebSocket handshakes of {@link EngineServer}: a session opened on a WebSocket, the probe of an
 * upgrade from long-polling (after which the connection joins its session's loop), and a second WebSocket
 * for a session that has one, completed and closed as the reference server does.
 */
final class WebSocketHandshakes {
    private final EngineServer server;
    private final String path;

    WebSocketHandshakes(EngineServer server, String path) {
        this.server = server;
        this.path = path;
    }

    /**
     * A WebSocket for a session on long-polling (the upgrade's probe): the session decides on its loop
     * whether it takes it; the handshake runs on the connection's loop; then the connection joins the
     * session's loop.
     */
    void probe(ChannelHandlerContext ctx, FullHttpRequest req, EngineSocket session, String origin) {
        Channel ch = ctx.channel();
        FullHttpRequest copy = req.retainedDuplicate();
        session.loop().execute(() -> {
            boolean ok = session.startProbe(ch);
            ch.eventLoop().execute(() -> {
                try {
                    if (!ok) {
                        refuseSecond(ctx, copy, origin);
                    } else if (!handshake(ctx, copy, session)) {
                        session.loop().execute(() -> session.onWebSocketClosed(ch));
                    } else {
                        joinSessionLoop(ch, session);
                    }
                } finally {
                    copy.release();
                }
            });
        });
    }

    /**
     * An upgraded connection moves to its session's loop (the loop of the poll that opened the session),
     * before it reads its first frame: else every frame read would be handed to the session's loop and
     * every packet sent handed back, a thread wake-up each way.
     */
    private static void joinSessionLoop(Channel ch, EngineSocket session) {
        if (!ChannelMove.possible(ch, session.loop().current())) {
            return;
        }
        ch.config().setAutoRead(false);
        ChannelMove.move(ch, (EventLoop) session.loop().current(), () -> ch.config().setAutoRead(true),
                () -> session.loop().execute(() -> session.onWebSocketClosed(ch)));
    }

    /**
     * A WebSocket for a session that already has one (or is probing one): as the reference server does,
     * the WebSocket handshake completes and the new connection is closed at once, leaving the session alone.
     */
    private void refuseSecond(ChannelHandlerContext ctx, FullHttpRequest req, String origin) {
        WebSocketServerHandshaker hs = handshaker(req);
        if (hs == null) {
            server.writeError(ctx, false, origin, EngineError.BAD_REQUEST);
            return;
        }
        Channel ch = ctx.channel();
        hs.handshake(ch, req).addListener(f -> {
            if (f.isSuccess()) {
                hs.close(ch, new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION));
            } else {
                ch.close();
            }
        });
    }

    /**
     * Answers the WebSocket handshake on the connection's loop and hands the connection's frames to
     * {@code session}; false (answered with the versions it speaks) for a WebSocket version it does not.
     */
    boolean handshake(ChannelHandlerContext ctx, FullHttpRequest req, EngineSocket session) {
        WebSocketServerHandshaker hs = handshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return false;
        }
        Channel ch = ctx.channel();
        int q = server.config().outboundQueueBytes();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(q / 2, q));
        hs.handshake(ch, req);
        HttpPipeline.handOverToWebSocket(ch, new WebSocketFrameAggregator(server.config().maxPayload()),
                new EngineWebSocketHandler(session));
        return true;
    }

    /** The handshaker for the request's WebSocket version, or null when it speaks none this server does. */
    private WebSocketServerHandshaker handshaker(FullHttpRequest req) {
        String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + path;
        return new WebSocketServerHandshakerFactory(url, null, true, server.config().maxPayload()).newHandshaker(req);
    }
}
