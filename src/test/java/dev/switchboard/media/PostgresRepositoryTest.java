package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The repository contract on a real PostgreSQL 15 started for this class (see {@link PostgresServer}). */
@Tag("external")
class PostgresRepositoryTest extends RepositoryContract {
    static PostgresServer pg;
    private boolean reset;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    String url() throws Exception {
        if (!reset) { // once per test, before the first open
            pg.reset();
            reset = true;
        }
        return pg.url();
    }

    @Test
    void aPostgresqlUrlOpensPostgresql() {
        assertThat(db.kind()).isEqualTo(DatabaseKind.POSTGRESQL);
    }
}
