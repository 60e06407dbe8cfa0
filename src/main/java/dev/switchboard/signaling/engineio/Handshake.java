package dev.switchboard.signaling.engineio;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/** What the client sent when it opened the session: query parameters, headers of interest, address. */
public record Handshake(Map<String, List<String>> query, String origin, String userAgent, SocketAddress remote,
                        String host) {
    public Handshake {
        query = Map.copyOf(query);
    }

    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
