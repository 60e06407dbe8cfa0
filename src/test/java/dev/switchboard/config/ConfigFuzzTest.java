package dev.switchboard.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * Coverage-guided fuzzing of configuration input (Jazzer): any HOCON file, and any value of any key in
 * the environment, either loads or stops with {@link ConfigException} naming what is wrong, never with
 * another exception.
 */
class ConfigFuzzTest {
    static final List<String> KEYS = ConfigLoader.defaults().entrySet().stream().map(Map.Entry::getKey).sorted()
            .toList();
    Path file;

    @FuzzTest(maxDuration = "5m")
    void hocon(FuzzedDataProvider in) throws IOException {
        if (file == null) {
            file = Files.createTempFile("switchboard-fuzz", ".conf");
        }
        String key = in.pickValue(KEYS);
        String value = in.consumeString(200);
        Files.writeString(file, in.consumeRemainingAsString(), StandardCharsets.UTF_8);
        try {
            ConfigLoader.load(file, Map.of(ConfigLoader.envName(key), value), Map.of());
        } catch (ConfigException refused) {
            // every problem named
        }
    }

    @AfterEach
    void removeFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
