package dev.switchboard;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SwitchboardConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The command line: reads flags over the config file over the environment over built-in defaults,
 * starts every listener, and stops them in reverse order on SIGTERM.
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true, subcommands = TokenCommand.class, version = "Switchboard 0.1.0",
        sortOptions = false, showDefaultValues = true, usageHelpWidth = 110,
        description = "Self-hosted WebRTC server: Socket.IO signaling, STUN/TURN, web app and media store.%n"
                + "Every option can also be set in the config file or as an environment variable "
                + "(SWITCHBOARD_ + key, e.g. SWITCHBOARD_HTTP_PORT).%n")
public final class Main implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file.")
    Path configFile;

    @Option(names = "--bind", paramLabel = "IP", descriptionKey = "bind", description = "Address every listener binds to.")
    String bind;

    @Option(names = "--http-port", paramLabel = "PORT", descriptionKey = "http.port",
            description = "HTTP port for the web app, API and Socket.IO (0 disables).")
    Integer httpPort;

    @Option(names = "--single-port", paramLabel = "PORT", descriptionKey = "single-port",
            description = "One port for HTTP, HTTPS, WebSockets, TURN over TCP and TLS, and TURN over UDP (e.g. 443); "
                    + "sets --http-port, --https-port, --turn-port and --turns-port (0: off).")
    Integer singlePort;

    @Option(names = "--data-dir", paramLabel = "DIR", descriptionKey = "data-dir",
            description = "Directory for media, database and generated secrets.")
    String dataDir;

    @Option(names = "--room-capacity", paramLabel = "N", descriptionKey = "signaling.room-capacity",
            description = "Peers per mesh room.")
    Integer roomCapacity;

    @Option(names = "--codelab-room-capacity", paramLabel = "N", descriptionKey = "signaling.codelab-room-capacity",
            description = "Peers per room of the codelab protocol ('create or join').")
    Integer codelabRoomCapacity;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN", descriptionKey = "signaling.allowed-origins",
            description = "Browser origin allowed to connect (repeatable; none given: any origin).")
    List<String> allowedOrigins;

    @Option(names = "--ping-interval", paramLabel = "DURATION", descriptionKey = "signaling.ping-interval",
            description = "Engine.IO heartbeat interval (e.g. 25s).")
    String pingInterval;

    @Option(names = "--ping-timeout", paramLabel = "DURATION", descriptionKey = "signaling.ping-timeout",
            description = "Engine.IO heartbeat timeout.")
    String pingTimeout;

    @Option(names = "--max-payload", paramLabel = "BYTES", descriptionKey = "signaling.max-payload",
            description = "Largest Engine.IO payload.")
    Integer maxPayload;

    @Option(names = "--max-photo-bytes", paramLabel = "BYTES", descriptionKey = "media.max-photo-bytes",
            description = "Largest photo upload accepted by the media API.")
    Integer maxPhotoBytes;

    @Option(names = "--database-url", paramLabel = "JDBC-URL", descriptionKey = "storage.database-url",
            description = "Media metadata database (empty: embedded SQLite under the data dir).")
    String databaseUrl;

    @Option(names = "--media-dir", paramLabel = "DIR", descriptionKey = "storage.media-dir",
            description = "Media folder (empty: media in the data dir); nodes sharing one PostgreSQL database share it too.")
    String mediaDir;

    @Option(names = "--redis-url", paramLabel = "URL", descriptionKey = "cluster.redis-url",
            description = "Share rooms with other nodes through this Redis (redis://[:PASSWORD@]HOST:PORT or rediss://); empty: rooms stay in this process.")
    String redisUrl;

    @Option(names = "--storage-threads", paramLabel = "N", descriptionKey = "storage.executor-threads",
            description = "Threads for media disk and database work.")
    Integer storageThreads;

    @Option(names = "--storage-queue", paramLabel = "N", descriptionKey = "storage.executor-queue",
            description = "Media tasks that may wait for a thread before the API answers 503.")
    Integer storageQueue;

    @Option(names = "--turn-port", paramLabel = "PORT", descriptionKey = "turn.port",
            description = "STUN/TURN port, UDP and TCP (0 disables).")
    Integer turnPort;

    @Option(names = "--turns-port", paramLabel = "PORT", descriptionKey = "turn.tls-port",
            description = "TURN over TLS port, e.g. 5349 (0: off); uses the HTTPS certificate.")
    Integer turnsPort;

    @Option(names = "--turn-user", paramLabel = "NAME:PASSWORD", descriptionKey = "turn.users",
            description = "Static TURN user (repeatable).")
    List<String> turnUsers;

    @Option(names = "--turn-secret", paramLabel = "SECRET", descriptionKey = "turn.secret",
            description = "Secret of the REST credentials (empty: generated once into the data dir).")
    String turnSecret;

    @Option(names = "--turn-realm", paramLabel = "REALM", descriptionKey = "turn.realm",
            description = "Realm of the TURN long-term credentials.")
    String turnRealm;

    @Option(names = "--turn-relay-address", paramLabel = "IP", descriptionKey = "turn.relay-address",
            description = "Address relay sockets bind to (empty: the address the client reached).")
    String turnRelayAddress;

    @Option(names = "--turn-external-address", paramLabel = "IP", descriptionKey = "turn.external-address",
            description = "Address advertised for relays when behind NAT.")
    String turnExternalAddress;

    @Option(names = "--turn-relay-ports", paramLabel = "MIN-MAX", descriptionKey = "turn.relay-ports",
            description = "Relay port range.")
    String turnRelayPorts;

    @Option(names = "--turn-allow-peer", paramLabel = "CIDR", descriptionKey = "turn.allow-peers",
            description = "Peer range allowed despite the built-in deny-list (repeatable), e.g. 127.0.0.1/32.")
    List<String> turnAllowPeers;

    @Option(names = "--turn-tcp-relay", paramLabel = "BOOL", descriptionKey = "turn.tcp-relay", arity = "0..1",
            fallbackValue = "true", description = "Offer TCP relays (RFC 6062) to TURN clients on TCP or TLS.")
    Boolean turnTcpRelay;

    @Option(names = "--turn-deny-peer", paramLabel = "CIDR", descriptionKey = "turn.deny-peers",
            description = "Peer range refused in addition to the built-in deny-list (repeatable).")
    List<String> turnDenyPeers;

    @Option(names = "--https-port", paramLabel = "PORT", descriptionKey = "https.port",
            description = "HTTPS port for the web app, API and secure WebSockets (0 disables).")
    Integer httpsPort;

    @Option(names = "--tls-cert", paramLabel = "PEM", descriptionKey = "tls.cert",
            description = "Certificate chain for HTTPS and TURNS (none: a development certificate in the data dir).")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", descriptionKey = "tls.key",
            description = "Private key of --tls-cert.")
    String tlsKey;

    @Option(names = "--redirect-http", paramLabel = "BOOL", descriptionKey = "https.redirect-http", arity = "0..1",
            fallbackValue = "true", description = "Redirect plain-HTTP requests to HTTPS.")
    Boolean redirectHttp;

    @Option(names = "--ice-server", paramLabel = "URL", descriptionKey = "ice.servers",
            description = "Another STUN/TURN server for browsers (repeatable), e.g. turns:turn.example.org:5349?transport=tcp.")
    List<String> iceServers;

    @Option(names = "--log-format", paramLabel = "FORMAT", descriptionKey = "log.format",
            description = "Log lines as text or json.")
    String logFormat;

    @Option(names = "--media-retention", paramLabel = "DURATION", descriptionKey = "retention.max-age",
            description = "Delete stored media older than this, e.g. 30d (0: keep forever).")
    String mediaRetention;

    @Option(names = "--room-quota", paramLabel = "BYTES", descriptionKey = "retention.room-quota-bytes",
            description = "Bytes of media one room may keep; its oldest go first (0: no quota).")
    Long roomQuota;

    @Option(names = "--auth-secret", paramLabel = "SECRET", descriptionKey = "auth.secret",
            description = "Secret for signed room tokens (none: rooms are open).")
    String authSecret;

    @Option(names = "--conformance-fixture", defaultValue = "false", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "Run only the Socket.IO engine as the official socket.io-protocol test suite expects "
                    + "(port 3000, echo handlers); not for serving.")
    boolean conformanceFixture;

    public static void main(String[] args) {
        quietLeakDetection();
        System.exit(run(args));
    }

    /**
     * Netty samples about one buffer in a hundred for leak tracking by default, recording a stack trace
     * for each: measurable CPU on the relay path. The server turns it off unless an operator (or the test
     * suite, which runs at paranoid) asked for a level.
     */
    static void quietLeakDetection() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(new DefaultsProvider());
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (conformanceFixture) {
            ConformanceFixture.run();
            return 0;
        }
        SwitchboardConfig config;
        try {
            config = ConfigLoader.load(configFile, System.getenv(), overrides());
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        }
        // Before the first logger exists: logback.xml picks its appender from this property.
        System.setProperty("switchboard.log.format", config.logFormat().toUpperCase(java.util.Locale.ROOT));
        Switchboard server = new Switchboard(config);
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("switchboard: cannot start: " + e.getMessage());
            server.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sb-shutdown"));
        System.out.println(server.banner());
        stopped.await();
        return 0;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The configuration from file, environment and the flags given (for subcommands too). */
    SwitchboardConfig loadConfig() {
        return ConfigLoader.load(configFile, System.getenv(), overrides());
    }

    /** Only the flags actually given, keyed by config key (so file and environment are not overridden). */
    private Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (OptionSpec opt : spec.options()) {
            String key = opt.descriptionKey();
            if (key != null && !key.isEmpty() && pr.hasMatchedOption(opt)) {
                o.put(key, opt.getValue());
            }
        }
        return o;
    }

    /** Fills option defaults from the built-in config so --help shows them. */
    static final class DefaultsProvider implements CommandLine.IDefaultValueProvider {
        private final com.typesafe.config.Config defaults = ConfigLoader.defaults();

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (arg instanceof OptionSpec opt && opt.descriptionKey() != null && !opt.descriptionKey().isEmpty()
                    && defaults.hasPath(opt.descriptionKey())) {
                var v = defaults.getValue(opt.descriptionKey());
                if (v.valueType() == com.typesafe.config.ConfigValueType.LIST) {
                    return null;
                }
                return String.valueOf(v.unwrapped());
            }
            return null;
        }
    }
}
