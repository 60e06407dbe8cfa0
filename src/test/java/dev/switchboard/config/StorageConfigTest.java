package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

    @Test
    void mediaAndStorageDefaultsAreTwentyMibEmbeddedH2AndABoundedExecutor() {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.media().maxPhotoBytes()).isEqualTo(20 * 1024 * 1024);
        assertThat(c.storage().databaseUrl()).isEmpty();
        assertThat(c.storage().executorThreads()).isEqualTo(4);
        assertThat(c.storage().executorQueue()).isEqualTo(256);
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
