package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A test server's fresh data dir goes when it closes, unless kept; a dir given to it is the caller's. */
class TestServerTest {
    @Test
    void aFreshDataDirIsDeletedWithEverythingInItWhenTheServerCloses() throws Exception {
        Path dir;
        try (TestServer s = TestServer.start()) {
            dir = s.dataDir();
            Files.createDirectories(dir.resolve("a/b"));
            Files.writeString(dir.resolve("a/b/file.txt"), "x");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void aKeptDataDirOutlivesTheServerAndANextServerGivenItCanDeleteIt() {
        TestServer first = TestServer.start().keepDataDir();
        Path dir = first.dataDir();
        first.close();
        assertThat(dir).isDirectory();

        TestServer second = TestServer.start(Map.of("data-dir", dir.toString()));
        second.close();
        assertThat(dir).as("a dir given as data-dir is the caller's").isDirectory();

        TestServer.start(Map.of("data-dir", dir.toString())).deleteDataDirOnClose().close();
        assertThat(dir).doesNotExist();
    }
}
