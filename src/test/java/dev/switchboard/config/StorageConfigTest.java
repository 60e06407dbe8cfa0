package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

    @Test
    void mediaAndStorageDefaultsAreTwentyMibEmbeddedSqliteABoundedExecutorAndTheAutomaticReserve() {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.media().maxPhotoBytes()).isEqualTo(20 * 1024 * 1024);
        assertThat(c.storage().databaseUrl()).isEmpty();
        assertThat(c.storage().executorThreads()).isEqualTo(4);
        assertThat(c.storage().executorQueue()).isEqualTo(256);
        assertThat(c.storage().minFreeBytes()).isEqualTo(SwitchboardConfig.StorageConfig.AUTO_MIN_FREE);
    }

    @Test
    void theFreeSpaceReserveCanBeSetOrTurnedOff() {
        assertThat(ConfigLoader.load(null, Map.of("SWITCHBOARD_STORAGE_MIN_FREE_BYTES", "0"), Map.of())
                .storage().minFreeBytes()).isZero();
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("storage.min-free-bytes", 1_000_000L))
                .storage().minFreeBytes()).isEqualTo(1_000_000L);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("storage.min-free-bytes", -2)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("storage.min-free-bytes:")));
    }

    @Test
    void flagsAndEnvironmentSetThem() {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of("SWITCHBOARD_STORAGE_DATABASE_URL", "jdbc:postgresql://db/sb"),
                Map.of("media.max-photo-bytes", 5_000_000, "storage.executor-threads", 2));
        assertThat(c.media().maxPhotoBytes()).isEqualTo(5_000_000);
        assertThat(c.storage().databaseUrl()).isEqualTo("jdbc:postgresql://db/sb");
        assertThat(c.storage().executorThreads()).isEqualTo(2);
    }

    @Test
    void badValuesNameTheirKeys() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("media.max-photo-bytes", 10,
                "storage.database-url", "postgres://x", "storage.executor-queue", 0)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("media.max-photo-bytes:"))
                        .anyMatch(p -> p.startsWith("storage.database-url:") && p.contains("jdbc:"))
                        .anyMatch(p -> p.startsWith("storage.executor-queue:")));
    }
}
