package dev.switchboard.ice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.turn.RestCredentials;
import dev.switchboard.turn.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in server's URLs on a single port, with and without turn.external-address. */
class IceServersTest {
    static final RestCredentials ONE_PORT = new RestCredentials(new byte[] {1, 2, 3}, 443, 443, Ticker.SYSTEM);

    @SuppressWarnings("unchecked")
    static List<String> urls(IceServers servers, String hostHeader) {
        var list = (List<Map<String, Object>>) servers.configuration(hostHeader).get("iceServers");
        return (List<String>) list.get(0).get("urls");
    }

    @Test
    void everyTransportOnTheOnePortNamesTheHostTheClientUsed() {
        IceServers servers = new IceServers(ONE_PORT, List.of(), Duration.ofHours(1), "127.0.0.1");
        assertThat(urls(servers, "meet.example.org")).containsExactly("stun:meet.example.org:443",
                "turn:meet.example.org:443?transport=udp", "turn:meet.example.org:443?transport=tcp",
                "turns:meet.example.org:443?transport=tcp");
    }

    @Test
    void withAnExternalAddressPlainUrlsNameItAndTurnsKeepsTheCertificateName() {
        IceServers servers = new IceServers(ONE_PORT, List.of(), Duration.ofHours(1), "127.0.0.1", "203.0.113.7");
        assertThat(urls(servers, "meet.example.org:443")).containsExactly("stun:203.0.113.7:443",
                "turn:203.0.113.7:443?transport=udp", "turn:203.0.113.7:443?transport=tcp",
                "turns:meet.example.org:443?transport=tcp");
        assertThat(urls(servers, null)).as("no Host header: the external address throughout")
                .containsExactly("stun:203.0.113.7:443", "turn:203.0.113.7:443?transport=udp",
                        "turn:203.0.113.7:443?transport=tcp", "turns:203.0.113.7:443?transport=tcp");
    }

    @Test
    void anIpv6ExternalAddressIsBracketed() {
        IceServers servers = new IceServers(ONE_PORT, List.of(), Duration.ofHours(1), "127.0.0.1", "2001:db8::7");
        assertThat(urls(servers, "meet.example.org")).startsWith("stun:[2001:db8::7]:443");
    }
}
