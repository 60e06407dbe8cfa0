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

    /** The built-in defaults alone (used for --help). */
    public static Config defaults() {
        return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "switchboard.conf",
                ConfigParseOptions.defaults().setAllowMissing(false)).resolve().getConfig(ROOT);
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
                new SwitchboardConfig.HttpConfig(r.port("http.port"), r.intIn("http.max-body-bytes", 1024, 1 << 30),
                        r.duration("http.request-head-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                        r.duration("http.idle-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                        r.intIn("http.body-min-bytes", 0, 1 << 30),
                        r.duration("http.body-interval", Duration.ofMillis(100), Duration.ofHours(1)),
                        r.intIn("http.max-connections-per-ip", 1, 1_000_000)),
                new SignalingConfig(
                        r.duration("signaling.ping-interval", Duration.ofMillis(10), Duration.ofMinutes(10)),
                        r.duration("signaling.ping-timeout", Duration.ofMillis(10), Duration.ofMinutes(10)),
                        r.duration("signaling.connect-timeout", Duration.ofMillis(10), Duration.ofMinutes(10)),
                        r.intIn("signaling.max-payload", 1024, 100_000_000),
                        r.strings("signaling.allowed-origins"),
                        r.intIn("signaling.room-capacity", 2, 64),
                        r.intIn("signaling.codelab-room-capacity", 2, 64),
                        r.intIn("signaling.max-message-bytes", 256, 100_000_000),
                        r.intIn("signaling.messages-per-second", 1, 1_000_000),
                        r.intIn("signaling.message-burst", 1, 1_000_000),
                        r.intIn("signaling.rooms-per-connection", 1, 1024),
                        r.intIn("signaling.outbound-queue-bytes", 4096, 1 << 30),
                        r.bool("signaling.allow-eio3")),
                new SwitchboardConfig.MediaConfig(r.intIn("media.max-photo-bytes", 1024, 1 << 30),
                        r.longIn("media.max-recording-bytes", 1024, 1L << 40),
                        r.duration("media.recording-idle-timeout", Duration.ofMillis(100), Duration.ofDays(7)),
                        r.longIn("media.max-file-bytes", 1024, 1L << 40),
                        r.duration("media.max-recording-duration", Duration.ZERO, Duration.ofDays(7))),
                new SwitchboardConfig.StorageConfig(
                        r.string("storage.database-url", ConfigLoader::checkDatabaseUrl),
                        r.intIn("storage.executor-threads", 1, 256),
                        r.intIn("storage.executor-queue", 1, 1_000_000),
                        r.longIn("storage.min-free-bytes", -1, Long.MAX_VALUE),
                        mediaDir(r.string("storage.media-dir", v -> null))),
                TurnSettings.read(r),
                tls(r),
                new SwitchboardConfig.AuthConfig(r.string("auth.secret",
                        v -> !v.isEmpty() && v.length() < 16 ? "must be empty or at least 16 characters" : null)),
                ice(r),
                r.string("log.format", v -> v.equals("text") || v.equals("json") ? null : "must be \"text\" or \"json\""),
                new SwitchboardConfig.RetentionConfig(
                        r.duration("retention.max-age", Duration.ZERO, Duration.ofDays(36500)),
                        r.longIn("retention.room-quota-bytes", 0, Long.MAX_VALUE),
                        r.duration("retention.interval", Duration.ofMillis(100), Duration.ofDays(7)),
                        r.duration("retention.file-max-age", Duration.ZERO, Duration.ofDays(36500))),
                cluster(r),
                new SwitchboardConfig.MetricsConfig(r.string("metrics.token",
                        v -> !v.isEmpty() && v.length() < 16 ? "must be empty or at least 16 characters" : null)));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static Path mediaDir(String value) {
        return value.isBlank() ? null : Path.of(value);
    }

    private static SwitchboardConfig.ClusterConfig cluster(Reader r) {
        String url = r.string("cluster.redis-url", ConfigLoader::checkRedisUrl);
        String prefix = r.string("cluster.key-prefix",
                v -> v.matches("[A-Za-z0-9_:.-]{0,64}") ? null : "must be up to 64 characters of A-Z a-z 0-9 _ : . -");
        Duration heartbeat = r.duration("cluster.heartbeat-interval", Duration.ofMillis(100), Duration.ofMinutes(1));
        Duration ttl = r.duration("cluster.node-ttl", Duration.ofMillis(300), Duration.ofMinutes(10));
        if (heartbeat != null && ttl != null && ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            r.problem("cluster.node-ttl", "must be at least twice cluster.heartbeat-interval");
        }
        return new SwitchboardConfig.ClusterConfig(url, prefix, heartbeat, ttl);
    }

    static String checkRedisUrl(String value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(value);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                return "must be empty or a redis:// or rediss:// URL";
            }
            if (uri.getHost() == null) {
                return "names no host";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
    }

    private static SwitchboardConfig.IceConfig ice(Reader r) {
        List<String> servers = r.strings("ice.servers");
        for (String url : servers) {
            if (!dev.switchboard.ice.IceServers.validUrl(url)) {
                r.problem("ice.servers", "not a stun:, stuns:, turn: or turns: URL: \"" + url + "\"");
            }
        }
        return new SwitchboardConfig.IceConfig(servers,
                r.duration("ice.credential-ttl", Duration.ofMinutes(1), Duration.ofDays(7)));
    }

    private static SwitchboardConfig.TlsConfig tls(Reader r) {
        String cert = r.string("tls.cert", v -> v.isEmpty() || java.nio.file.Files.isReadable(Path.of(v)) ? null
                : "cannot read the certificate file");
        String key = r.string("tls.key", v -> v.isEmpty() || java.nio.file.Files.isReadable(Path.of(v)) ? null
                : "cannot read the key file");
        if (cert != null && key != null && cert.isEmpty() != key.isEmpty()) {
            r.problem(cert.isEmpty() ? "tls.cert" : "tls.key", "tls.cert and tls.key must be given together");
        }
        boolean own = cert != null && !cert.isEmpty() && key != null && !key.isEmpty();
        return new SwitchboardConfig.TlsConfig(r.port("https.port"), r.bool("https.redirect-http"),
                own ? Path.of(cert) : null, own ? Path.of(key) : null,
                r.duration("tls.reload-interval", Duration.ofMillis(100), Duration.ofDays(1)));
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

    private static String checkDatabaseUrl(String value) {
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
            String v = string(key, s -> s.isBlank() ? "must not be empty" : null);
            return v == null || v.isBlank() ? Path.of(".") : Path.of(v);
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
