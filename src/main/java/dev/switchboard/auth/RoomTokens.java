package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed room tokens: {@code base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first part))} with
 * claims {@code {"room", "user", "role", "exp"}} (exp in Unix seconds). Minted by
 * {@code switchboard token} and the admin endpoint; checked on the Socket.IO handshake and the REST API.
 */
public final class RoomTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKEN_CHARS = 2048;
    private static final Duration MAX_TTL = Duration.ofDays(366);

    private final byte[] secret;
    private final Clock clock;

    public RoomTokens(String secret, Clock clock) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the token secret must be at least 16 characters");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    public String mint(String room, String user, RoomToken.Role role, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 s and 366 days");
        }
        ObjectNode claims = JSON.createObjectNode();
        claims.put("room", room);
        claims.put("user", user);
        claims.put("role", role.name().toLowerCase(Locale.ROOT));
        claims.put("exp", clock.instant().plus(ttl).getEpochSecond());
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(body));
    }

    /** Verifies signature and expiry; the room and role checks are the caller's ({@link #check}). */
    public RoomToken verify(String token) throws TokenRefused {
        if (token == null || token.isEmpty()) {
            throw new TokenRefused(TokenRefused.Reason.MISSING);
        }
        int dot = token.indexOf('.');
        if (token.length() > MAX_TOKEN_CHARS || dot <= 0 || dot != token.lastIndexOf('.')) {
            throw new TokenRefused(TokenRefused.Reason.MALFORMED);
        }
        String body = token.substring(0, dot);
        byte[] given;
        JsonNode claims;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(given, sign(body))) {
                throw new TokenRefused(TokenRefused.Reason.BAD_SIGNATURE);
            }
            claims = JSON.readTree(Base64.getUrlDecoder().decode(body));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new TokenRefused(TokenRefused.Reason.MALFORMED);
        }
        if (claims == null || !claims.path("room").isTextual() || !claims.path("user").isTextual()
                || !claims.path("role").isTextual() || !claims.path("exp").canConvertToLong()) {
            throw new TokenRefused(TokenRefused.Reason.MALFORMED);
        }
        RoomToken.Role role;
        try {
            role = RoomToken.Role.valueOf(claims.get("role").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TokenRefused(TokenRefused.Reason.MALFORMED);
        }
        Instant exp = Instant.ofEpochSecond(claims.get("exp").asLong());
        if (!clock.instant().isBefore(exp)) {
            throw new TokenRefused(TokenRefused.Reason.EXPIRED);
        }
        return new RoomToken(claims.get("room").asText(), claims.get("user").asText(), role, exp);
    }

    /** Verifies the token and that it grants {@code role} in {@code room}. */
    public RoomToken check(String token, String room, RoomToken.Role role) throws TokenRefused {
        RoomToken t = verify(token);
        if (!t.allowsRoom(room)) {
            throw new TokenRefused(TokenRefused.Reason.WRONG_ROOM);
        }
        if (!t.role().atLeast(role)) {
            throw new TokenRefused(TokenRefused.Reason.FORBIDDEN);
        }
        return t;
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
