package dev.switchboard.signaling.engineio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.web.HttpHandler;
import dev.switchboard.web.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import dev.switchboard.log.LogLimiter;
import dev.switchboard.net.PerSourceRate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine.IO server at {@code /socket.io/}: handshakes, long-polling GET/POST, WebSocket
 * connections and upgrades, and the protocol's HTTP errors. Each session speaks the revision its
 * handshake asked for with {@code EIO} ({@link EngineProtocol}: 4, or 3 unless
 * {@code signaling.allow-eio3} is off). Sessions are kept by id; each new one is given to
 * an {@link EngineListener}, which attaches what hears its packets.
 */
public final class EngineServer implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(EngineServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_PACKETS_PER_PAYLOAD = 10_000;

    /** Client addresses whose new-session budget is tracked one by one; past it they share one bucket. */
    static final int SESSION_BUDGET_SOURCES = 65_536;

    private final SignalingConfig config;
    private final String path;
    private final Map<String, EngineSocket> sessions = new ConcurrentHashMap<>();
    private final PerSourceRate newSessions;
    private final LongSupplier nanoClock;
    private final String preflightMethods;
    private volatile EngineListener listener;
    private final WebSocketHandshakes webSockets;

    /** The methods a CORS preflight is told, the ones this server answers. */
    public static final String OWN_METHODS = "GET, POST, OPTIONS";

    public EngineServer(SignalingConfig config, String path) {
        this(config, path, System::nanoTime, OWN_METHODS);
    }

    /**
     * With the methods a CORS preflight is told: the conformance fixture tells what the reference server's
     * CORS defaults tell, so a browser sends the suite's PUT and sees its 400.
     */
    public EngineServer(SignalingConfig config, String path, String preflightMethods) {
        this(config, path, System::nanoTime, preflightMethods);
    }

    EngineServer(SignalingConfig config, String path, LongSupplier nanoClock) {
        this(config, path, nanoClock, OWN_METHODS);
    }

    private EngineServer(SignalingConfig config, String path, LongSupplier nanoClock, String preflightMethods) {
        this.config = config;
        this.path = path;
        this.nanoClock = nanoClock;
        this.preflightMethods = preflightMethods;
        this.newSessions = new PerSourceRate(config.newSessionsPerSecond(), config.newSessionBurst(),
                SESSION_BUDGET_SOURCES);
        this.webSockets = new WebSocketHandshakes(this, path);
    }

    public void listener(EngineListener l) {
        this.listener = l;
    }

    SignalingConfig config() {
        return config;
    }

    public int sessionCount() {
        return sessions.size();
    }

    public Collection<EngineSocket> sessions() {
        return sessions.values();
    }

    void remove(EngineSocket s, String reason) {
        sessions.remove(s.id(), s);
        log.debug("engine.io session {} closed: {} ({} left)", s.id(), reason, sessions.size());
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!config.originAllowed(origin)) {
            writeError(ctx, keepAlive, null, EngineError.FORBIDDEN);
            return;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            preflight(ctx, req, origin, keepAlive);
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        if (!q.path().equals(path)) {
            writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return;
        }
        EngineProtocol protocol = EngineProtocol.of(first(q, "EIO"));
        if (protocol == null || (protocol == EngineProtocol.V3 && !config.allowEio3())) {
            writeError(ctx, keepAlive, origin, EngineError.UNSUPPORTED_PROTOCOL_VERSION);
            return;
        }
        if (protocol == EngineProtocol.V3 && first(q, "j") != null) {
            // JSONP long-polling (v3 only): not served; every client able to run WebRTC has XHR.
            writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return;
        }
        String transport = first(q, "transport");
        if (!"polling".equals(transport) && !"websocket".equals(transport)) {
            writeError(ctx, keepAlive, origin, EngineError.UNKNOWN_TRANSPORT);
            return;
        }
        boolean upgradeRequest = "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
        String sid = first(q, "sid");
        if (sid == null && !admitNewSession(ctx, origin, keepAlive)) {
            return;
        }
        if (sid == null) {
            if ("websocket".equals(transport)) {
                if (!upgradeRequest || !req.method().equals(HttpMethod.GET)) {
                    writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
                    return;
                }
                openWebSocketSession(ctx, req, q, origin, protocol);
            } else {
                if (!req.method().equals(HttpMethod.GET)) {
                    writeError(ctx, keepAlive, origin, EngineError.BAD_HANDSHAKE_METHOD);
                    return;
                }
                openPollingSession(ctx, q, origin, req.headers().get(HttpHeaderNames.HOST), keepAlive, protocol);
            }
            return;
        }
        EngineSocket session = sessions.get(sid);
        if (session == null) {
            writeError(ctx, keepAlive, origin, EngineError.UNKNOWN_SID);
            return;
        }
        if (session.protocol() != protocol) {
            writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return;
        }
        if ("websocket".equals(transport)) {
            if (!upgradeRequest || !req.method().equals(HttpMethod.GET)) {
                writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
                return;
            }
            webSockets.probe(ctx, req, session, origin);
        } else if (req.method().equals(HttpMethod.GET)) {
            session.loop().execute(() -> session.onPoll(ctx, keepAlive, origin));
            ctx.channel().closeFuture().addListener(f -> session.loop().execute(() -> session.onPollClosed(ctx)));
        } else if (req.method().equals(HttpMethod.POST)) {
            List<EnginePacket> packets;
            try {
                packets = protocol.decodePayload(req.content(), MAX_PACKETS_PER_PAYLOAD);
            } catch (EngineProtocolException e) {
                writeError(ctx, false, origin, EngineError.BAD_REQUEST);
                session.close("parse error");
                return;
            }
            session.loop().execute(() -> {
                if (!session.isOpen() || !"polling".equals(session.transportName())) {
                    writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
                    return;
                }
                session.onPost(packets);
                FullHttpResponse res = HttpResponses.response(HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), "text/html; charset=UTF-8");
                cors(res, origin);
                write(ctx, keepAlive, res);
            });
        } else {
            writeError(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
        }
    }

    /**
     * The per-address budget of new sessions ({@code signaling.new-sessions-per-second} and
     * {@code new-session-burst}): past it the handshake is answered 429 with Retry-After and nothing is kept.
     */
    private boolean admitNewSession(ChannelHandlerContext ctx, String origin, boolean keepAlive) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (newSessions.take(remote.getAddress(), now)) {
            return true;
        }
        LogLimiter.of(log).warn("new-sessions", "refused new Engine.IO sessions from {} and others past the per-address limit"
                + " (signaling.new-sessions-per-second {}, new-session-burst {})", remote.getAddress().getHostAddress(),
                config.newSessionsPerSecond(), config.newSessionBurst());
        FullHttpResponse res = errorResponse(origin, EngineError.TOO_MANY_SESSIONS);
        res.headers().set(HttpHeaderNames.RETRY_AFTER, newSessions.retryAfterSeconds(remote.getAddress(), now));
        write(ctx, keepAlive, res);
        return false;
    }

    private void openPollingSession(ChannelHandlerContext ctx, QueryStringDecoder q, String origin, String host,
                                    boolean keepAlive, EngineProtocol protocol) {
        EngineSocket s = newSession(ctx, q, origin, host, EngineSocket.Transport.POLLING, protocol);
        s.loop().execute(() -> {
            s.opened(openPacket(true, s.id(), protocol));
            s.onPoll(ctx, keepAlive, origin);
            listener.onOpen(s);
        });
    }

    private void openWebSocketSession(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, String origin,
                                      EngineProtocol protocol) {
        EngineSocket s = newSession(ctx, q, origin, req.headers().get(HttpHeaderNames.HOST),
                EngineSocket.Transport.WEBSOCKET, protocol);
        Channel ch = ctx.channel();
        if (!webSockets.handshake(ctx, req, s)) {
            sessions.remove(s.id());
            return;
        }
        s.loop().execute(() -> {
            s.attachWebSocket(ch);
            s.opened(openPacket(false, s.id(), protocol));
            listener.onOpen(s);
        });
    }

    private EngineSocket newSession(ChannelHandlerContext ctx, QueryStringDecoder q, String origin, String host,
                                    EngineSocket.Transport transport, EngineProtocol protocol) {
        String id = newId();
        Handshake hs = new Handshake(q.parameters(), origin, null, ctx.channel().remoteAddress(), host);
        EngineSocket s = new EngineSocket(id, this, ctx.channel().eventLoop(), hs, transport, protocol);
        sessions.put(id, s);
        log.debug("engine.io {} session {} opened over {} from {}", protocol, id, transport == EngineSocket.Transport.POLLING
                ? "polling" : "websocket", ctx.channel().remoteAddress());
        return s;
    }

    /** The handshake's OPEN packet; v3 clients were never told {@code maxPayload}. */
    private EnginePacket openPacket(boolean canUpgrade, String sid, EngineProtocol protocol) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sid", sid);
        o.putArray("upgrades");
        if (canUpgrade) {
            o.withArray("upgrades").add("websocket");
        }
        o.put("pingInterval", config.pingInterval().toMillis());
        o.put("pingTimeout", config.pingTimeout().toMillis());
        if (protocol == EngineProtocol.V4) {
            o.put("maxPayload", config.maxPayload());
        }
        return EnginePacket.of(EnginePacket.Type.OPEN, o.toString());
    }

    private static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private void preflight(ChannelHandlerContext ctx, FullHttpRequest req, String origin, boolean keepAlive) {
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER, null);
        cors(res, origin);
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, preflightMethods);
        String asked = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (asked != null) {
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
        }
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, 600);
        write(ctx, keepAlive, res);
    }

    /**
     * CORS for an origin that passed {@link SignalingConfig#originAllowed}: the
     * origin is echoed, and credentials (cookies, HTTP auth) are allowed only for an origin listed by
     * name in signaling.allowed-origins, never for "any origin" (an empty list or "*"), so that an open
     * server does not let every site make credentialed requests in its visitors' name.
     */
    private void cors(FullHttpResponse res, String origin) {
        if (origin != null) {
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if (config.credentialsAllowed(origin)) {
                res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
            res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
    }

    void writePayload(ChannelHandlerContext ctx, boolean keepAlive, String origin, String payload) {
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.OK,
                Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8), "text/plain; charset=UTF-8");
        cors(res, origin);
        write(ctx, keepAlive, res);
    }

    /** A v3 binary long-polling payload ({@link EngineCodecV3#encodeBinaryPayload}); takes the buffer. */
    void writeBinaryPayload(ChannelHandlerContext ctx, boolean keepAlive, String origin, ByteBuf payload) {
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.OK, payload, "application/octet-stream");
        cors(res, origin);
        write(ctx, keepAlive, res);
    }

    void writeError(ChannelHandlerContext ctx, boolean keepAlive, String origin, EngineError error) {
        write(ctx, keepAlive, errorResponse(origin, error));
    }

    private FullHttpResponse errorResponse(String origin, EngineError error) {
        ObjectNode o = JSON.createObjectNode();
        o.put("code", error.code);
        o.put("message", error.message);
        FullHttpResponse res = HttpResponses.response(error.status,
                Unpooled.copiedBuffer(o.toString(), StandardCharsets.UTF_8), "application/json");
        cors(res, origin);
        return res;
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse res) {
        if (!ctx.channel().isActive()) {
            res.release();
            return;
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(res);
        }
    }

    /** Closes every session (shutdown). */
    public void closeAll(String reason) {
        for (EngineSocket s : sessions.values()) {
            s.close(reason);
        }
    }
}
