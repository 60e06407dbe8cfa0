package dev.switchboard.media;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The metadata database: a HikariCP pool over the configured JDBC URL, or by default an embedded H2
 * file database in PostgreSQL mode under {@code <data-dir>/db}; the schema is brought up to date by
 * the Flyway migrations in {@code db/migration} before anything else touches it.
 */
final class Database implements AutoCloseable {
    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    static Database open(Path dataDir, String url, int poolSize) {
        String jdbcUrl = url == null || url.isEmpty() ? embeddedUrl(dataDir) : url;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setPoolName("sb-db");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    /** The embedded H2 database file {@code <data-dir>/db/switchboard.mv.db}, in PostgreSQL mode. */
    static String embeddedUrl(Path dataDir) {
        String file = dataDir.toAbsolutePath().normalize().resolve("db").resolve("switchboard").toString();
        if (file.contains(";")) {
            throw new IllegalArgumentException("data-dir must not contain ';' (it would end the JDBC URL)");
        }
        return "jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
