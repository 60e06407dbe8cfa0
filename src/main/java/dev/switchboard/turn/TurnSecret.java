package dev.switchboard.turn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The REST-credential secret: the configured one, or one generated once and kept in the data dir
 * ({@code turn-secret}, readable by the owner only) so that credentials survive restarts. Reads files:
 * call at start, never on an event loop.
 */
public final class TurnSecret {
    static final String FILE = "turn-secret";

    private TurnSecret() {}

    public static byte[] resolve(String configured, Path dataDir) throws IOException {
        if (!configured.isEmpty()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, text + "\n");
            } catch (UnsupportedOperationException e) {
                Files.writeString(file, text + "\n");
            } catch (FileAlreadyExistsException e) {
                // another process made it first: use theirs
            }
        }
        String s = Files.readString(file).trim();
        if (s.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
