package dev.switchboard.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the metadata of a data dir made by an earlier version (embedded H2,
 * {@code <data-dir>/db/switchboard.mv.db}) into the embedded SQLite database, once, at the first start:
 * every row is copied in one SQLite transaction (rows already there are kept, so an import cut off by a
 * crash is simply run again), then the H2 file is renamed to {@code switchboard.mv.db.imported} so the
 * import does not run again. The content files need nothing: their layout did not change.
 */
final class H2Import {
    private static final Logger log = LoggerFactory.getLogger(H2Import.class);
    static final String H2_FILE = "switchboard.mv.db";
    static final String IMPORTED_SUFFIX = ".imported";

    private H2Import() {}

    static Path h2File(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("db").resolve(H2_FILE);
    }

    /** Imports the H2 rows into SQLite when an H2 file is there; returns how many rows were copied. */
    static int importIfPresent(Path dataDir, DataSource sqlite) throws IOException {
        Path h2 = h2File(dataDir);
        if (!Files.exists(h2)) {
            return 0;
        }
        String base = h2.toString().substring(0, h2.toString().length() - ".mv.db".length());
        if (base.contains(";")) {
            throw new IllegalArgumentException("data-dir must not contain ';' (it would end the H2 URL)");
        }
        String url = "jdbc:h2:file:" + base + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE";
        int copied = 0;
        try (Connection from = DriverManager.getConnection(url);
             Connection to = sqlite.getConnection();
             PreparedStatement read = from.prepareStatement(
                     "SELECT seq, id, room, sha256, content_type, size, created_at, kind FROM media ORDER BY seq");
             PreparedStatement write = to.prepareStatement("INSERT INTO media (seq, id, room, sha256, content_type,"
                     + " size, created_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            to.setAutoCommit(false);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    write.setLong(1, rs.getLong("seq"));
                    write.setString(2, rs.getString("id"));
                    write.setString(3, rs.getString("room"));
                    write.setString(4, rs.getString("sha256"));
                    write.setString(5, rs.getString("content_type"));
                    write.setLong(6, rs.getLong("size"));
                    DatabaseKind.SQLITE.setInstant(write, 7,
                            rs.getObject("created_at", OffsetDateTime.class).toInstant());
                    write.setString(8, rs.getString("kind"));
                    copied += write.executeUpdate();
                }
            }
            to.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot import the H2 database " + h2 + " of an earlier version into "
                    + Database.SQLITE_FILE + " (" + e.getMessage() + "); start the earlier version once to check"
                    + " it opens, or move " + h2.getFileName() + " away to start with an empty gallery", e);
        }
        Files.move(h2, h2.resolveSibling(H2_FILE + IMPORTED_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(h2.resolveSibling("switchboard.trace.db"));
        ContentFiles.fsyncDirectory(h2.getParent());
        log.info("imported {} row(s) from the H2 database of an earlier version; it is kept as {}", copied,
                h2.getFileName() + IMPORTED_SUFFIX);
        return copied;
    }
}
