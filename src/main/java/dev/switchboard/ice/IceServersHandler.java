package dev.switchboard.ice;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.web.HttpHandler;
import dev.switchboard.web.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /api/ice-servers}: the ICE servers a browser passes to {@code new RTCPeerConnection}
 * ({@code RTCConfiguration.iceServers}, W3C WebRTC section 4.2.1) as {@code {iceServers, ttl}}. With
 * the built-in TURN server present, one entry carries its STUN/TURN URLs and a short-lived REST
 * credential minted for a random user; without it the list is empty (host candidates only).
 * Minting is an HMAC in memory, so this runs on the event loop.
 */
public final class IceServersHandler implements HttpHandler {
    private final IceServers servers;
    private final Access access;

    public IceServersHandler(IceServers servers) {
        this(servers, Access.open());
    }

    /**
     * With tokens enabled, the TURN credentials go only to a request carrying a valid room token (any
     * room and role; with {@code ?room=R}, one for that room): 401 without or with a bad one, 403 for the
     * wrong room. Otherwise anyone could take working relay credentials.
     */
    public IceServersHandler(IceServers servers, Access access) {
        this.servers = servers;
        this.access = access == null ? Access.open() : access;
    }

    /** The built-in server only (no external ones). */
    public IceServersHandler(TurnCredentials turn, Duration ttl, String fallbackHost) {
        this(new IceServers(turn, List.of(), ttl, fallbackHost));
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.GET)) {
            FullHttpResponse res = HttpResponses.response(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    Unpooled.copiedBuffer("{\"error\":\"method_not_allowed\",\"message\":\"use GET\"}",
                            java.nio.charset.StandardCharsets.UTF_8), "application/json; charset=utf-8");
            res.headers().set(HttpHeaderNames.ALLOW, "GET");
            HttpResponses.send(ctx, req, res);
            return;
        }
        if (access.enabled()) {
            try {
                String room = new QueryStringDecoder(req.uri()).parameters().getOrDefault("room", List.of()).stream()
                        .findFirst().orElse(null);
                if (room == null) {
                    access.verify(Access.tokenOf(req));
                } else {
                    access.check(Access.tokenOf(req), room, RoomToken.Role.VIEWER);
                }
            } catch (TokenRefused e) {
                HttpResponses.error(ctx, req, HttpResponseStatus.valueOf(Access.httpStatus(e)), e.reason().code(),
                        e.getMessage());
                return;
            }
        }
        byte[] bytes;
        try {
            bytes = HttpResponses.JSON.writeValueAsBytes(servers.configuration(req.headers().get(HttpHeaderNames.HOST)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes),
                "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpResponses.send(ctx, req, res);
    }

    /** See {@link IceServers#host}. */
    String host(String header) {
        return servers.host(header);
    }
}
