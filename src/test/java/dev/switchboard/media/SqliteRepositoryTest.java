package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The repository contract on the embedded default: SQLite under the data dir, WAL journal. */
class SqliteRepositoryTest extends RepositoryContract {
    @Override
    String url() {
        return "";
    }

    @Test
    void theEmbeddedDatabaseIsOneSqliteFileInWalModeUnderTheDataDir() throws Exception {
        assertThat(db.kind()).isEqualTo(DatabaseKind.SQLITE);
        assertThat(dataDir.resolve("db").resolve(Database.SQLITE_FILE)).isRegularFile();
        try (var c = db.writer().getConnection(); var s = c.createStatement()) {
            try (var rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (var rs = s.executeQuery("PRAGMA synchronous")) {
                rs.next();
                assertThat(rs.getInt(1)).as("FULL").isEqualTo(2);
            }
        }
        assertThat(Files.exists(dataDir.resolve("db").resolve("switchboard.mv.db"))).isFalse();
    }
}
