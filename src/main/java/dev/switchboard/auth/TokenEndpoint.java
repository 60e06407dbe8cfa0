package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.room.RoomName;
import dev.switchboard.web.HttpHandler;
import dev.switchboard.web.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/tokens}: mints a room token for a backend or an admin UI. Needs an admin token for
 * every room ({@code switchboard token --room '*' --role admin}). Body
 * {@code {"room", "user", "role"?, "ttl"? (seconds)}}; answer {@code {"token", "expires"}}. Routed for
 * {@code POST} only: the router answers other methods (405 with Allow).
 */
public final class TokenEndpoint implements HttpHandler {
    static final long DEFAULT_TTL_SECONDS = 3600;
    private final Access access;

    public TokenEndpoint(Access access) {
        this.access = access;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!access.enabled()) {
            HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not_found",
                    "room tokens are not enabled (set auth.secret)");
            return;
        }
        try {
            access.check(Access.tokenOf(req), "*", RoomToken.Role.ADMIN);
        } catch (TokenRefused e) {
            HttpResponses.error(ctx, req, HttpResponseStatus.valueOf(Access.httpStatus(e)), e.reason().code(), e.getMessage());
            return;
        }
        JsonNode body;
        try {
            body = HttpResponses.JSON.readTree(req.content().toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            body = null;
        }
        String room = body == null ? null : body.path("room").asText(null);
        String user = body == null ? null : body.path("user").asText(null);
        String roleName = body == null ? "member" : body.path("role").asText("member");
        long ttl = body == null ? -1 : body.path("ttl").asLong(DEFAULT_TTL_SECONDS);
        RoomToken.Role role;
        try {
            role = RoomToken.Role.valueOf(roleName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            role = null;
        }
        if (room == null || !(room.equals("*") || RoomName.isValid(room)) || user == null || user.isBlank()
                || user.length() > 64 || role == null || ttl < 1 || ttl > 366L * 86400) {
            HttpResponses.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "expected {\"room\": name or \"*\", \"user\": 1-64 chars, \"role\": viewer|member|admin, \"ttl\": seconds}");
            return;
        }
        String token = access.tokens().mint(room, user, role, Duration.ofSeconds(ttl));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token);
        out.put("room", room);
        out.put("role", role.name().toLowerCase(Locale.ROOT));
        out.put("expires", java.time.Instant.now().plusSeconds(ttl).toString());
        HttpResponses.json(ctx, req, HttpResponseStatus.CREATED, out);
    }
}
