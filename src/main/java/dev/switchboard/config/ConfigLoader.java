package dev.switchboard.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads {@link SwitchboardConfig}: built-in defaults, then the config file, then environment variables
 * ({@code SWITCHBOARD_HTTP_PORT} for {@code http.port}), then command-line overrides. Every key is
 * validated; all problems are reported together, each naming its key.
 */
public final class ConfigLoader {
    static final String ROOT = "switchboard";
    static final String ENV_PREFIX = "SWITCHBOARD_";
    /** What {@code single-port} sets: every TCP listener, and TURN/UDP, on one port number. */
    static final List<String> SINGLE_PORT_KEYS = List.of("http.port", "https.port", "turn.port", "turn.tls-port");

    private ConfigLoader() {}

    /** The built-in defaults alone (used for --help); parsed once, immutable. */
    public static Config defaults() {
        return Defaults.CONFIG;
    }

    private static final class Defaults {
        static final Config CONFIG = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(),
                "switchboard.conf", ConfigParseOptions.defaults().setAllowMissing(false)).resolve().getConfig(ROOT);
    }

    /**
     * @param file      optional HOCON file
     * @param env       the environment (System.getenv())
     * @param overrides key (relative to the root, e.g. "http.port") to value, from flags
     */
    public static SwitchboardConfig load(Path file, Map<String, String> env, Map<String, Object> overrides) {
        Config defaults = defaults();
        Config merged = defaults;
        List<String> problems = new ArrayList<>();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new ConfigException(List.of("config: file " + file + " cannot be read"));
            }
            Config fromFile;
            try {
                fromFile = ConfigFactory.parseFile(file.toFile(),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false)).resolve();
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException(List.of("config: " + file + ": " + e.getMessage()));
            }
            // Accept both a top-level "switchboard { ... }" block and bare keys.
            Config scoped = fromFile.hasPath(ROOT) ? fromFile.getConfig(ROOT) : fromFile;
            for (var entry : scoped.entrySet()) {
                if (!defaults.hasPath(entry.getKey())) {
                    problems.add(entry.getKey() + ": unknown key (in " + file + ")");
                }
            }
            merged = scoped.withFallback(merged);
        }
        Map<String, String> envKeys = envNames(defaults);
        for (var e : envKeys.entrySet()) {
            String value = env.get(e.getKey());
            if (value != null) {
                merged = merged.withValue(e.getValue(), envValue(defaults, e.getValue(), value));
            }
        }
        for (var e : overrides.entrySet()) {
            if (!defaults.hasPath(e.getKey())) {
                problems.add(e.getKey() + ": unknown key");
                continue;
            }
            Object v = e.getValue();
            if (v instanceof List<?> list && list.isEmpty()) {
                continue; // a repeatable flag that was not given
            }
            merged = merged.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(v));
        }
        Reader r = new Reader(merged, problems);
        int single = r.port("single-port");
        if (single != 0) {
            for (String key : SINGLE_PORT_KEYS) {
                merged = merged.withValue(key, ConfigValueFactory.fromAnyRef(single, "single-port"));
            }
            r = new Reader(merged, problems);
        }
        SwitchboardConfig config = new SwitchboardConfig(
                r.string("bind", ConfigLoader::checkAddress),
                r.path("data-dir"),
                SwitchboardConfig.HttpConfig.read(r),
                SignalingConfig.read(r),
                SwitchboardConfig.MediaConfig.read(r),
                SwitchboardConfig.StorageConfig.read(r),
                TurnSettings.read(r),
                SwitchboardConfig.TlsConfig.read(r),
                SwitchboardConfig.AuthConfig.read(r),
                SwitchboardConfig.IceConfig.read(r),
                r.string("log.format", v -> v.equals("text") || v.equals("json") ? null : "must be \"text\" or \"json\""),
                SwitchboardConfig.RetentionConfig.read(r),
                SwitchboardConfig.ClusterConfig.read(r),
                SwitchboardConfig.MetricsConfig.read(r));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** SWITCHBOARD_HTTP_PORT -> http.port for every leaf key of the defaults. */
    static Map<String, String> envNames(Config defaults) {
        Map<String, String> names = new HashMap<>();
        for (var entry : defaults.entrySet()) {
            names.put(envName(entry.getKey()), entry.getKey());
        }
        return names;
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static com.typesafe.config.ConfigValue envValue(Config defaults, String key, String raw) {
        if (defaults.getValue(key).valueType() == ConfigValueType.LIST) {
            List<String> items = raw.isBlank() ? List.of()
                    : Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            return ConfigValueFactory.fromIterable(items, "environment " + envName(key));
        }
        return ConfigValueFactory.fromAnyRef(raw, "environment " + envName(key));
    }

    static String checkAddress(String value) {
        if (value.isBlank() || !value.matches("[0-9A-Fa-f:.]+|localhost")) {
            return "must be an IP address";
        }
        return null;
    }

    static String checkDatabaseUrl(String value) {
        if (!value.isEmpty() && !value.startsWith("jdbc:postgresql:") && !value.startsWith("jdbc:sqlite:")) {
            return "must be empty (embedded SQLite) or a JDBC URL starting with jdbc:";
        }
        return null;
    }

    /** Reads typed values, collecting a problem per bad key instead of failing on the first. */
    static final class Reader {
        private final Config config;
        private final List<String> problems;

        Reader(Config config, List<String> problems) {
            this.config = config;
            this.problems = problems;
        }

        String string(String key, Function<String, String> check) {
            try {
                String v = config.getString(key);
                String problem = check.apply(v);
                if (problem != null) {
                    problems.add(key + ": " + problem + " (got \"" + v + "\")");
                }
                return v;
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(key + ": " + clean(e));
                return null;
            }
        }

        boolean bool(String key) {
            try {
                return config.getBoolean(key);
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(key + ": " + e.getMessage());
                return false;
            }
        }

        void problem(String key, String message) {
            problems.add(key + ": " + message);
        }

        long longIn(String key, long min, long max) {
            try {
                long v = config.getLong(key);
                if (v < min || v > max) {
                    problems.add(key + ": must be between " + min + " and " + max + " (got " + v + ")");
                    return min;
                }
                return v;
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(key + ": " + clean(e));
                return min;
            }
        }

        List<String> strings(String key) {
            try {
                return config.getStringList(key);
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(key + ": " + clean(e));
                return List.of();
            }
        }

        Path path(String key) {
            String v = string(key, s -> s.isBlank() ? "must not be empty" : s.indexOf('\0') >= 0 ? "not a path" : null);
            return v == null || v.isBlank() || v.indexOf('\0') >= 0 ? Path.of(".") : Path.of(v);
        }

        int port(String key) {
            return intIn(key, 0, 65535);
        }

        int intIn(String key, int min, int max) {
            try {
                long v = config.getLong(key);
                if (v < min || v > max) {
                    problems.add(key + ": must be between " + min + " and " + max + " (got " + v + ")");
                    return min;
                }
                return (int) v;
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(key + ": " + clean(e));
                return min;
            }
        }

        Duration duration(String key, Duration min, Duration max) {
            try {
                Duration d = config.getDuration(key);
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    problems.add(key + ": must be between " + min.toMillis() + "ms and " + max.toMillis()
                            + "ms (got " + d.toMillis() + "ms)");
                    return min;
                }
                return d;
            } catch (com.typesafe.config.ConfigException e) {
                problems.add(key + ": " + clean(e));
                return min;
            }
        }

        private static String clean(com.typesafe.config.ConfigException e) {
            return e.getMessage();
        }
    }
}
