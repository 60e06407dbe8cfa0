package dev.switchboard.media;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The metadata database, brought up to date by the Flyway migrations in {@code db/migration} before
 * anything else touches it.
 * <ul>
 * <li>Embedded (the default, {@code storage.database-url} empty): SQLite in {@code <data-dir>/db/switchboard.sqlite},
 *     WAL journal, {@code synchronous=FULL} (a commit is on disk when it returns, power loss included),
 *     a busy timeout. One writer connection serialises every write (SQLite has one writer anyway; waiting
 *     in the pool is cheaper than spinning on SQLITE_BUSY) and a small read-only pool reads beside it.</li>
 * <li>PostgreSQL ({@code jdbc:postgresql:} URL, driver in the jar): one pool for both; each statement
 *     commits on its own (autocommit), durable once it returns with the server's default
 *     {@code synchronous_commit=on}.</li>
 * </ul>
 */
final class Database implements AutoCloseable {
    static final String SQLITE_FILE = "switchboard.sqlite";
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int SQLITE_READERS = 3;

    private final DatabaseKind kind;
    private final HikariDataSource writer;
    private final HikariDataSource reader;

    private Database(DatabaseKind kind, HikariDataSource writer, HikariDataSource reader) {
        this.kind = kind;
        this.writer = writer;
        this.reader = reader;
    }

    static Database open(Path dataDir, String url, int poolSize) throws IOException {
        DatabaseKind kind = DatabaseKind.of(url);
        if (kind == DatabaseKind.POSTGRESQL) {
            if (Files.exists(H2Import.h2File(dataDir))) {
                org.slf4j.LoggerFactory.getLogger(Database.class).warn("{} of an earlier version is not imported into"
                        + " PostgreSQL; start once with the embedded database to move it into SQLite",
                        H2Import.h2File(dataDir));
            }
            HikariDataSource pool = pool("sb-db", url, null, poolSize, false);
            try {
                migrate(pool, kind);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
            return new Database(kind, pool, pool);
        }
        Path file = embeddedFile(dataDir, url);
        Files.createDirectories(file.getParent());
        // Migrations and the one-time import run on plain connections, before the pools exist.
        SQLiteDataSource direct = sqlite(file, false);
        migrate(direct, kind);
        H2Import.importIfPresent(dataDir, direct);
        HikariDataSource writer = pool("sb-db-write", null, direct, 1, false);
        HikariDataSource reader = null;
        try {
            reader = pool("sb-db-read", null, sqlite(file, true), SQLITE_READERS, true);
            return new Database(kind, writer, reader);
        } catch (RuntimeException e) {
            writer.close();
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    /** {@code <data-dir>/db/switchboard.sqlite}, or the file of a {@code jdbc:sqlite:} URL. */
    static Path embeddedFile(Path dataDir, String url) {
        if (url != null && url.startsWith("jdbc:sqlite:")) {
            return Path.of(url.substring("jdbc:sqlite:".length())).toAbsolutePath();
        }
        return dataDir.toAbsolutePath().normalize().resolve("db").resolve(SQLITE_FILE);
    }

    private static SQLiteDataSource sqlite(Path file, boolean readOnly) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        c.setReadOnly(readOnly);
        SQLiteDataSource ds = new SQLiteDataSource(c);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    private static HikariDataSource pool(String name, String url, DataSource direct, int size, boolean readOnly) {
        HikariConfig hc = new HikariConfig();
        if (direct != null) {
            hc.setDataSource(direct);
        } else {
            hc.setJdbcUrl(url);
        }
        hc.setPoolName(name);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setReadOnly(readOnly);
        // A writer waits this long for the one write connection (SQLite), or for PostgreSQL to answer;
        // past it the request fails as "database unavailable" (503) instead of hanging.
        hc.setConnectionTimeout(5_000);
        hc.setValidationTimeout(2_000);
        hc.setInitializationFailTimeout(10_000);
        return new HikariDataSource(hc);
    }

    private static void migrate(DataSource ds, DatabaseKind kind) {
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/migration")
                .placeholders(kind.placeholders())
                .load()
                .migrate();
    }

    DatabaseKind kind() {
        return kind;
    }

    /** Connections that write: for SQLite the single writer (callers wait their turn). */
    DataSource writer() {
        return writer;
    }

    /** Connections that only read (for PostgreSQL the same pool as {@link #writer}). */
    DataSource reader() {
        return reader;
    }

    @Override
    public void close() {
        if (reader != writer) {
            reader.close();
        }
        writer.close();
    }
}
