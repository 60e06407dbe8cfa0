package dev.switchboard.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Who may do what: open (no secret configured: everything is allowed) or by signed room token. HTTP
 * requests carry the token as {@code Authorization: Bearer TOKEN} or {@code ?token=TOKEN} (for
 * {@code <img>} and {@code <video>} sources); the Socket.IO handshake carries {@code auth.token}.
 * Refusals are counted by reason.
 */
public final class Access {
    private final RoomTokens tokens;
    private final Map<TokenRefused.Reason, Counter> refusals = new EnumMap<>(TokenRefused.Reason.class);

    private Access(RoomTokens tokens, MeterRegistry registry) {
        this.tokens = tokens;
        if (registry != null) {
            for (TokenRefused.Reason r : TokenRefused.Reason.values()) {
                refusals.put(r, Counter.builder("switchboard.auth.failures").tag("reason", r.code())
                        .description("Requests refused for their room token").register(registry));
            }
        }
    }

    public static Access open() {
        return new Access(null, null);
    }

    public static Access tokens(RoomTokens tokens, MeterRegistry registry) {
        return new Access(tokens, registry);
    }

    public boolean enabled() {
        return tokens != null;
    }

    public RoomTokens tokens() {
        return tokens;
    }

    /** The token of an HTTP request, or null. */
    public static String tokenOf(HttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        List<String> q = new QueryStringDecoder(req.uri()).parameters().get("token");
        return q == null || q.isEmpty() ? null : q.get(0);
    }

    /** Null when access is open; otherwise the verified token granting {@code role} in {@code room}. */
    public RoomToken check(String token, String room, RoomToken.Role role) throws TokenRefused {
        if (tokens == null) {
            return null;
        }
        try {
            return tokens.check(token, room, role);
        } catch (TokenRefused e) {
            count(e);
            throw e;
        }
    }

    /** Null when access is open; otherwise the verified token (any room, any role). */
    public RoomToken verify(String token) throws TokenRefused {
        if (tokens == null) {
            return null;
        }
        try {
            return tokens.verify(token);
        } catch (TokenRefused e) {
            count(e);
            throw e;
        }
    }

    /** Counts a refusal decided elsewhere (e.g. a room check after a look-up). */
    public void count(TokenRefused e) {
        Counter c = refusals.get(e.reason());
        if (c != null) {
            c.increment();
        }
    }

    /** 401 for a missing or invalid token, 403 for a valid one that does not grant the request. */
    public static int httpStatus(TokenRefused e) {
        return switch (e.reason()) {
            case WRONG_ROOM, FORBIDDEN -> 403;
            default -> 401;
        };
    }
}
