package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RoomTokensTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    final RoomTokens tokens = new RoomTokens("a-secret-of-enough-length", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void mintedTokenVerifiesWithItsClaims() throws Exception {
        String t = tokens.mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofHours(1));
        RoomToken rt = tokens.check(t, "team", RoomToken.Role.MEMBER);
        assertThat(rt.user()).isEqualTo("ada");
        assertThat(rt.expires()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void expiredTokenIsRefused() {
        String t = tokens.mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofMinutes(1));
        RoomTokens later = new RoomTokens("a-secret-of-enough-length", Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));
        assertThatThrownBy(() -> later.verify(t)).isInstanceOf(TokenRefused.class)
                .extracting(e -> ((TokenRefused) e).reason()).isEqualTo(TokenRefused.Reason.EXPIRED);
    }

    @Test
    void forgedTokensAreRefused() {
        String t = tokens.mint("team", "ada", RoomToken.Role.VIEWER, Duration.ofHours(1));
        String claims = new String(Base64.getUrlDecoder().decode(t.substring(0, t.indexOf('.'))));
        String upgraded = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.replace("viewer", "admin").getBytes());
        assertThatThrownBy(() -> tokens.verify(upgraded + t.substring(t.indexOf('.'))))
                .extracting(e -> ((TokenRefused) e).reason()).isEqualTo(TokenRefused.Reason.BAD_SIGNATURE);
        RoomTokens other = new RoomTokens("another-secret-of-enough-length", Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> other.verify(t))
                .extracting(e -> ((TokenRefused) e).reason()).isEqualTo(TokenRefused.Reason.BAD_SIGNATURE);
    }

    @Test
    void wrongRoomAndWeakRoleAreRefused() {
        String t = tokens.mint("team", "ada", RoomToken.Role.VIEWER, Duration.ofHours(1));
        assertThatThrownBy(() -> tokens.check(t, "other", RoomToken.Role.VIEWER))
                .extracting(e -> ((TokenRefused) e).reason()).isEqualTo(TokenRefused.Reason.WRONG_ROOM);
        assertThatThrownBy(() -> tokens.check(t, "team", RoomToken.Role.MEMBER))
                .extracting(e -> ((TokenRefused) e).reason()).isEqualTo(TokenRefused.Reason.FORBIDDEN);
    }

    @Test
    void wildcardRoomAllowsEveryRoom() throws Exception {
        String t = tokens.mint("*", "ops", RoomToken.Role.ADMIN, Duration.ofHours(1));
        assertThat(tokens.check(t, "anything", RoomToken.Role.ADMIN).user()).isEqualTo("ops");
    }

    @Test
    void malformedTokensAreRefusedNotThrown() {
        for (String bad : new String[] {"", "abc", "a.b.c", ".x", "!!!.!!!", "x".repeat(3000) + ".y"}) {
            assertThatThrownBy(() -> tokens.verify(bad)).as(bad).isInstanceOf(TokenRefused.class);
        }
        assertThatThrownBy(() -> tokens.verify(null)).extracting(e -> ((TokenRefused) e).reason())
                .isEqualTo(TokenRefused.Reason.MISSING);
    }

    @Test
    void shortSecretsAreRejectedAtStart() {
        assertThatThrownBy(() -> new RoomTokens("short", Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }
}
