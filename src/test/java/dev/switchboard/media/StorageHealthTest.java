package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage state behind /readyz and the 507/503 answers, with an injected clock. */
class StorageHealthTest {
    @TempDir
    Path dir;

    @Test
    void failuresAreClassifiedByWhatTheDiskOrTheDatabaseSaid() {
        assertThat(StorageFailure.of(new IOException("No space left on device"))).isEqualTo(StorageFailure.DISK_FULL);
        assertThat(StorageFailure.of(new StorageException("x", new SQLException("[SQLITE_FULL] database or disk is full"))))
                .isEqualTo(StorageFailure.DISK_FULL);
        assertThat(StorageFailure.of(new SQLException("could not extend file", "53100"))).isEqualTo(StorageFailure.DISK_FULL);
        assertThat(StorageFailure.of(new SQLException("connection refused", "08001")))
                .isEqualTo(StorageFailure.DATABASE_UNAVAILABLE);
        assertThat(StorageFailure.of(new SQLTransientConnectionException("pool timeout")))
                .isEqualTo(StorageFailure.DATABASE_UNAVAILABLE);
        assertThat(StorageFailure.of(new IOException("Input/output error"))).isEqualTo(StorageFailure.IO_ERROR);
        assertThat(StorageFailure.DISK_FULL.status()).isEqualTo(507);
        assertThat(StorageFailure.DATABASE_UNAVAILABLE.status()).isEqualTo(503);
        assertThat(StorageFailure.isStorage(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void aFailureMakesItNotWritableUntilAWriteOrAProbeSucceeds() {
        AtomicLong nanos = new AtomicLong();
        StorageHealth h = new StorageHealth(dir, 0, nanos::get);
        assertThat(h.writable()).isTrue();
        h.failed(new IOException("No space left on device"));
        h.failed(new IOException("No space left on device"));
        assertThat(h.writable()).isFalse();
        assertThat(h.count(StorageFailure.DISK_FULL)).isEqualTo(2);
        assertThat(h.state()).containsEntry("writable", false).containsEntry("failure", "disk_full")
                .containsKey("freeBytes");
        h.probe(() -> { throw new SQLException("down", "08006"); });
        assertThat(h.failing()).isEqualTo(StorageFailure.DATABASE_UNAVAILABLE);
        h.probe(() -> { });
        assertThat(h.writable()).isTrue();
        assertThat(h.state()).containsEntry("writable", true).doesNotContainKey("failure");
    }

    @Test
    void theReserveRefusesBelowItAndTheDefaultIsAtLeast256Mib() {
        StorageHealth h = new StorageHealth(dir, Long.MAX_VALUE, System::nanoTime);
        assertThatThrownBy(h::checkReserve).isInstanceOf(StorageException.class)
                .satisfies(e -> assertThat(((StorageException) e).failure()).isEqualTo(StorageFailure.RESERVE_REACHED));
        assertThat(h.failing()).isEqualTo(StorageFailure.RESERVE_REACHED);
        assertThat(new StorageHealth(dir, -1, System::nanoTime).minFreeBytes())
                .isGreaterThanOrEqualTo(StorageHealth.DEFAULT_MIN_FREE_FLOOR);
        new StorageHealth(dir, 0, System::nanoTime).checkReserve(); // 0: off
    }
}
