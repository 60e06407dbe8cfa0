package dev.switchboard.web;

import dev.switchboard.ice.TurnCredentials;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/ice-servers}: the ICE servers a browser passes to {@code new RTCPeerConnection}
 * ({@code RTCConfiguration.iceServers}, W3C WebRTC section 4.2.1) as {@code {iceServers, ttl}}. With
 * the built-in TURN server present, one entry carries its STUN/TURN URLs and a short-lived REST
 * credential minted for a random user; without it the list is empty (host candidates only).
 * Minting is an HMAC in memory, so this runs on the event loop.
 */
public final class IceServersHandler implements HttpHandler {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]{1,253}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}\\]");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TurnCredentials turn;
    private final Duration ttl;
    private final String fallbackHost;

    /**
     * @param turn         the TURN server's credentials and URLs, or null when there is none
     * @param ttl          how long minted credentials stay valid
     * @param fallbackHost host for the URLs when the request's Host header is missing or unusable
     */
    public IceServersHandler(TurnCredentials turn, Duration ttl, String fallbackHost) {
        this.turn = turn;
        this.ttl = ttl;
        this.fallbackHost = fallbackHost;
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("iceServers", turn == null ? List.of() : List.of(entry(host(req.headers().get(HttpHeaderNames.HOST)))));
        body.put("ttl", ttl.toSeconds());
        byte[] bytes;
        try {
            bytes = HttpResponses.JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes),
                "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpResponses.send(ctx, req, res);
    }

    private Map<String, Object> entry(String host) {
        byte[] user = new byte[8];
        RANDOM.nextBytes(user);
        TurnCredentials.Credential c = turn.mint(HexFormat.of().formatHex(user), ttl);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("urls", turn.urls(host));
        e.put("username", c.username());
        e.put("credential", c.password());
        return e;
    }

    /**
     * The host the client used, without port: a DNS name or IPv4 address as is, an IPv6 literal with
     * its brackets (ready for a URL). Anything else gives the fallback host.
     */
    String host(String header) {
        if (header == null) {
            return fallbackHost;
        }
        String h = header.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            String literal = end < 0 ? "" : h.substring(0, end + 1);
            return IPV6_LITERAL.matcher(literal).matches() ? literal : fallbackHost;
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return HOST_NAME.matcher(name).matches() ? name : fallbackHost;
    }
}
