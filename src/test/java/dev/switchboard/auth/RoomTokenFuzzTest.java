package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Coverage-guided fuzzing of room tokens (Jazzer): any string is refused with {@link TokenRefused} (or
 * is a token this secret minted); a token minted for any room, user, role and lifetime verifies to the
 * same claims, and changing any one character of it makes it refused.
 */
class RoomTokenFuzzTest {
    final RoomTokens tokens = new RoomTokens("fuzzing-secret-0123456789",
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    @FuzzTest(maxDuration = "5m")
    void tokens(FuzzedDataProvider in) {
        String room = in.consumeString(80);
        String user = in.consumeString(80);
        RoomToken.Role role = in.pickValue(RoomToken.Role.values());
        Duration ttl = Duration.ofSeconds(in.consumeLong(1, Duration.ofDays(366).toSeconds()));
        String token = tokens.mint(room, user, role, ttl);
        RoomToken t;
        try {
            t = tokens.verify(token);
        } catch (TokenRefused e) {
            throw new AssertionError("a minted token is refused: " + e.getMessage(), e);
        }
        assertThat(t.room()).isEqualTo(room);
        assertThat(t.user()).isEqualTo(user);
        assertThat(t.role()).isEqualTo(role);
        if (in.remainingBytes() > 4) {
            int at = in.consumeInt(0, token.length() - 1);
            char c = in.consumeChar();
            if (c != token.charAt(at)) {
                String tampered = token.substring(0, at) + c + token.substring(at + 1);
                try {
                    RoomToken forged = tokens.verify(tampered);
                    assertThat(forged).as("a changed token verifies: %s", tampered).isEqualTo(t);
                } catch (TokenRefused refused) {
                    // as it must be
                }
            }
        }
        String junk = in.consumeRemainingAsString();
        try {
            tokens.verify(junk);
        } catch (TokenRefused refused) {
            // the only way out for junk
        }
    }
}
