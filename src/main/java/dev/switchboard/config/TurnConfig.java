package dev.switchboard.config;

import dev.switchboard.net.Cidr;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in STUN/TURN server: listeners, relay sockets, credentials, peer policy and quotas.
 * {@code port} 0 disables STUN and TURN; {@code secret} empty means "generate one into the data dir".
 */
public record TurnConfig(
        int port,
        int tlsPort,
        String realm,
        List<String> users,
        String secret,
        String relayAddress,
        String externalAddress,
        int relayPortMin,
        int relayPortMax,
        List<Cidr> allowPeers,
        List<Cidr> denyPeers,
        int maxAllocations,
        int maxAllocationsPerUser,
        int maxPermissions,
        int maxChannels,
        Duration maxLifetime,
        long maxBandwidth,
        Duration nonceLifetime,
        boolean tcpRelay,
        int maxTcpConnections,
        int unauthenticatedRate,
        int unauthenticatedBurst,
        int unauthenticatedSources) {

    public TurnConfig {
        users = List.copyOf(users);
        allowPeers = List.copyOf(allowPeers);
        denyPeers = List.copyOf(denyPeers);
    }

    /** Static users, name to password ("name:password" entries split at the first colon). */
    public Map<String, String> userPasswords() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String u : users) {
            int colon = u.indexOf(':');
            m.put(u.substring(0, colon), u.substring(colon + 1));
        }
        return m;
    }

    public boolean enabled() {
        return port != 0;
    }
}
