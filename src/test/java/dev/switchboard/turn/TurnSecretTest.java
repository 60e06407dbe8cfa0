package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST secret: the configured one wins; otherwise one is generated once, owner-only, and reused. */
class TurnSecretTest {

    @Test
    void aGeneratedSecretIsKeptOwnerOnlyAndReused(@TempDir Path dir) throws Exception {
        byte[] first = TurnSecret.resolve("", dir);
        Path file = dir.resolve(TurnSecret.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.length).isGreaterThanOrEqualTo(32);
        assertThat(TurnSecret.resolve("", dir)).isEqualTo(first);
        assertThat(TurnSecret.resolve("configured", dir)).isEqualTo("configured".getBytes(StandardCharsets.UTF_8));
    }
}
