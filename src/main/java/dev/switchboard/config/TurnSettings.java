package dev.switchboard.config;

import dev.switchboard.net.Cidr;
import dev.switchboard.stun.OpaqueString;
import dev.switchboard.stun.StringPrepException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads and validates the {@code turn} block of the configuration, naming the key of each problem. */
final class TurnSettings {
    private TurnSettings() {}

    /** Why a static user's name or password fails OpaqueString (RFC 8265), or null; never shows the password. */
    private static String preparationProblem(String name, String password) {
        try {
            OpaqueString.prepare(name);
        } catch (StringPrepException e) {
            return "the name is not a valid OpaqueString (" + e.getMessage() + ")";
        }
        try {
            OpaqueString.prepare(password);
        } catch (StringPrepException e) {
            return "the password is not a valid OpaqueString (" + e.getMessage() + ")";
        }
        return null;
    }

    static TurnConfig read(ConfigLoader.Reader r) {
        int port = r.port("turn.port");
        int tlsPort = r.port("turn.tls-port");
        String realm = r.string("turn.realm", v -> v.isEmpty() || v.length() > 127 || !v.chars().allMatch(c -> c > 0x20 && c < 0x7F)
                ? "must be 1 to 127 printable ASCII characters without spaces" : null);
        List<String> users = r.strings("turn.users");
        for (String u : users) {
            int colon = u.indexOf(':');
            if (colon <= 0 || colon == u.length() - 1) {
                r.problem("turn.users", "each entry must be \"name:password\" (got \"" + u.replaceAll(":.*", ":...") + "\")");
            } else {
                String prepared = preparationProblem(u.substring(0, colon), u.substring(colon + 1));
                if (prepared != null) {
                    r.problem("turn.users", "user \"" + u.substring(0, colon) + "\": " + prepared);
                }
            }
        }
        String secret = r.string("turn.secret", v -> null);
        String relay = r.string("turn.relay-address", v -> v.isEmpty() ? null : ConfigLoader.checkAddress(v));
        String external = r.string("turn.external-address", v -> v.isEmpty() ? null : ConfigLoader.checkAddress(v));
        int[] ports = {49152, 65535};
        r.string("turn.relay-ports", v -> {
            if (!v.matches("[0-9]{1,5}-[0-9]{1,5}")) {
                return "must be \"MIN-MAX\"";
            }
            int min = Integer.parseInt(v.substring(0, v.indexOf('-')));
            int max = Integer.parseInt(v.substring(v.indexOf('-') + 1));
            if (min < 1024 || max > 65535 || min > max) {
                return "must satisfy 1024 <= MIN <= MAX <= 65535";
            }
            ports[0] = min;
            ports[1] = max;
            return null;
        });
        return new TurnConfig(port, tlsPort, realm == null ? "switchboard" : realm, users, secret == null ? "" : secret,
                relay == null ? "" : relay, external == null ? "" : external, ports[0], ports[1],
                cidrs(r, "turn.allow-peers"), cidrs(r, "turn.deny-peers"),
                r.intIn("turn.max-allocations", 1, 1_000_000),
                r.intIn("turn.max-allocations-per-user", 1, 1_000_000),
                r.intIn("turn.max-permissions", 1, 10_000),
                r.intIn("turn.max-channels", 1, 4096),
                r.duration("turn.max-lifetime", Duration.ofMinutes(10), Duration.ofDays(1)),
                r.longIn("turn.max-bandwidth", 0, 1L << 40),
                r.duration("turn.nonce-lifetime", Duration.ofSeconds(10), Duration.ofDays(1)),
                r.bool("turn.tcp-relay"),
                r.intIn("turn.max-tcp-connections", 1, 10_000),
                r.intIn("turn.unauthenticated-rate", 1, 1_000_000),
                r.intIn("turn.unauthenticated-burst", 1, 1_000_000),
                r.intIn("turn.unauthenticated-sources", 1, 10_000_000));
    }

    private static List<Cidr> cidrs(ConfigLoader.Reader r, String key) {
        List<Cidr> out = new ArrayList<>();
        for (String s : r.strings(key)) {
            try {
                out.add(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                r.problem(key, e.getMessage());
            }
        }
        return out;
    }
}
