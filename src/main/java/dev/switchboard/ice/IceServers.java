package dev.switchboard.ice;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ICE servers handed to browsers, in the {@code RTCConfiguration.iceServers} shape (W3C WebRTC
 * section 4.2.1) with their lifetime: {@code {iceServers: [...], ttl}}. One entry for the built-in
 * STUN/TURN server (URLs for the host the client reached us by, a fresh REST credential), then the
 * configured external servers; external {@code turn:}/{@code turns:} URLs get the same credential, for a
 * coturn that shares the REST secret. Served by {@code GET /api/ice-servers} and in the join answer.
 */
public final class IceServers {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]{1,253}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}\\]");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TurnCredentials turn;
    private final List<String> external;
    private final Duration ttl;
    private final String fallbackHost;
    private final String externalHost;

    /** Without an external address: every URL names the host the client reached us by. */
    public IceServers(TurnCredentials turn, List<String> external, Duration ttl, String fallbackHost) {
        this(turn, external, ttl, fallbackHost, "");
    }

    /**
     * @param turn         the built-in server's credentials and URLs, or null when TURN is off
     * @param external     URLs of other STUN/TURN servers (may be empty)
     * @param ttl          how long minted credentials stay valid
     * @param fallbackHost host for the URLs when the client's Host header is missing or unusable
     * @param externalHost the TURN server's external address (turn.external-address), or empty: when set,
     *                     the {@code stun:} and {@code turn:} URLs name it, while {@code turns:} URLs keep the
     *                     name the client used, which is the name its certificate is checked against
     */
    public IceServers(TurnCredentials turn, List<String> external, Duration ttl, String fallbackHost, String externalHost) {
        this.turn = turn;
        this.external = List.copyOf(external);
        this.ttl = ttl;
        this.fallbackHost = externalHost.isEmpty() ? fallbackHost : externalHost;
        this.externalHost = externalHost;
    }

    public Duration ttl() {
        return ttl;
    }

    /** The configuration for a client that sent {@code hostHeader} (may be null). */
    public Map<String, Object> configuration(String hostHeader) {
        List<Map<String, Object>> servers = new ArrayList<>();
        TurnCredentials.Credential c = null;
        if (turn != null) {
            byte[] user = new byte[8];
            RANDOM.nextBytes(user);
            c = turn.mint(HexFormat.of().formatHex(user), ttl);
            servers.add(entry(builtIn(host(hostHeader)), c));
        }
        List<String> stun = new ArrayList<>();
        List<String> relays = new ArrayList<>();
        for (String url : external) {
            (url.startsWith("stun") ? stun : relays).add(url);
        }
        if (!stun.isEmpty()) {
            servers.add(Map.of("urls", stun));
        }
        if (!relays.isEmpty() && c != null) {
            servers.add(entry(relays, c));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("iceServers", servers);
        body.put("ttl", ttl.toSeconds());
        return body;
    }

    /** The built-in server's URLs: for {@code host}, or with plain ones on the external address. */
    private List<String> builtIn(String host) {
        List<String> named = turn.urls(host);
        if (externalHost.isEmpty()) {
            return named;
        }
        List<String> plain = turn.urls(externalHost);
        List<String> out = new ArrayList<>(named.size());
        for (int i = 0; i < named.size(); i++) {
            out.add(named.get(i).startsWith("turns:") ? named.get(i) : plain.get(i));
        }
        return out;
    }

    private static Map<String, Object> entry(List<String> urls, TurnCredentials.Credential c) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("urls", urls);
        e.put("username", c.username());
        e.put("credential", c.password());
        return e;
    }

    /**
     * The host the client used, without port: a DNS name or IPv4 address as is, an IPv6 literal with
     * its brackets (ready for a URL). Anything else gives the fallback host.
     */
    public String host(String header) {
        if (header == null) {
            return fallbackHost;
        }
        String h = header.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            String literal = end < 0 ? "" : h.substring(0, end + 1);
            return IPV6_LITERAL.matcher(literal).matches() ? literal : fallbackHost;
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return HOST_NAME.matcher(name).matches() ? name : fallbackHost;
    }

    /** True for a URL this class can hand out: stun:, stuns:, turn: or turns: with a host. */
    public static boolean validUrl(String url) {
        return url.matches("(stun|stuns|turn|turns):[A-Za-z0-9.\\[\\]:-]+(\\?transport=(udp|tcp))?");
    }
}
