package dev.switchboard;

import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.room.RoomName;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard token --room R --ttl 1h}: prints a signed room token, using the same auth.secret
 * the server reads (config file, SWITCHBOARD_AUTH_SECRET or --auth-secret before the subcommand).
 */
@Command(name = "token", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Print a signed room token (needs auth.secret).")
final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    Main parent;

    @Option(names = "--room", required = true, paramLabel = "ROOM", description = "Room name, or '*' for every room.")
    String room;

    @Option(names = "--user", defaultValue = "guest", paramLabel = "NAME", description = "User name shown to peers.")
    String user;

    @Option(names = "--role", defaultValue = "member", paramLabel = "ROLE", description = "viewer, member or admin.")
    String role;

    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION", description = "Lifetime, e.g. 30m, 1h, 7d.")
    String ttl;

    @Override
    public Integer call() {
        SwitchboardConfig config;
        try {
            config = parent.loadConfig();
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        }
        if (!config.auth().enabled()) {
            System.err.println("switchboard token: auth.secret is not set (use --auth-secret, SWITCHBOARD_AUTH_SECRET or the config file)");
            return 2;
        }
        Duration life;
        RoomToken.Role r;
        try {
            life = com.typesafe.config.ConfigFactory.parseString("t = " + ttl).getDuration("t");
            r = RoomToken.Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            System.err.println("switchboard token: --ttl must be a duration like 1h and --role one of viewer, member, admin");
            return 2;
        }
        if (!room.equals("*") && !RoomName.isValid(room)) {
            System.err.println("switchboard token: --room must be '*' or 1-64 characters of A-Z a-z 0-9 _ -");
            return 2;
        }
        try {
            System.out.println(new RoomTokens(config.auth().secret(), Clock.systemUTC()).mint(room, user, r, life));
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard token: " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
