package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void builtInDefaultsMatchTheDocumentedOnes() {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.signaling().roomCapacity()).isEqualTo(8);
        assertThat(c.signaling().codelabRoomCapacity()).isEqualTo(2);
        assertThat(c.signaling().pingInterval()).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void laterSourcesWinFileThenEnvironmentThenFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sb.conf");
        Files.writeString(file, "switchboard { http.port = 9000, data-dir = \"/var/sb\", signaling.room-capacity = 5 }");
        SwitchboardConfig fileOnly = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(fileOnly.http().port()).isEqualTo(9000);
        assertThat(fileOnly.dataDir()).isEqualTo(Path.of("/var/sb"));

        SwitchboardConfig withEnv = ConfigLoader.load(file, Map.of("SWITCHBOARD_HTTP_PORT", "9100",
                "SWITCHBOARD_SIGNALING_ALLOWED_ORIGINS", "https://a.example, https://b.example"), Map.of());
        assertThat(withEnv.http().port()).isEqualTo(9100);
        assertThat(withEnv.signaling().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(withEnv.signaling().roomCapacity()).isEqualTo(5);

        SwitchboardConfig withFlag = ConfigLoader.load(file, Map.of("SWITCHBOARD_HTTP_PORT", "9100"),
                Map.of("http.port", 0));
        assertThat(withFlag.http().port()).isZero();
    }

    @Test
    void everyBadKeyIsReportedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "http.port = 70000\nsignaling.ping-interval = banana\nno-such-key = 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("SWITCHBOARD_BIND", "not an ip"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("http.port:") && p.contains("65535"))
                        .anyMatch(p -> p.startsWith("signaling.ping-interval:"))
                        .anyMatch(p -> p.startsWith("no-such-key:") && p.contains("unknown"))
                        .anyMatch(p -> p.startsWith("bind:")));
    }

    @Test
    void unreadableOrMalformedFileFailsFast(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.conf"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be read");
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "http { port = ");
        assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broken.conf");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(ConfigLoader.envName("signaling.max-payload")).isEqualTo("SWITCHBOARD_SIGNALING_MAX_PAYLOAD");
        assertThat(ConfigLoader.envNames(ConfigLoader.defaults())).containsEntry("SWITCHBOARD_HTTP_PORT", "http.port");
    }

    @Test
    void originsAreCheckedOnlyWhenListed() {
        SignalingConfig any = ConfigLoader.load(null, Map.of(), Map.of()).signaling();
        assertThat(any.originAllowed("https://evil.example")).isTrue();
        SignalingConfig listed = ConfigLoader.load(null, Map.of(), Map.of("signaling.allowed-origins",
                List.of("https://ok.example"))).signaling();
        assertThat(listed.originAllowed("https://ok.example")).isTrue();
        assertThat(listed.originAllowed("https://evil.example")).isFalse();
        assertThat(listed.originAllowed(null)).as("non-browser clients send no Origin").isTrue();
    }

    @Test
    void turnDefaultsAreSafe() {
        TurnConfig t = ConfigLoader.load(null, Map.of(), Map.of()).turn();
        assertThat(t.port()).isEqualTo(3478);
        assertThat(t.tlsPort()).isZero();
        assertThat(t.realm()).isEqualTo("switchboard");
        assertThat(t.users()).isEmpty();
        assertThat(t.secret()).isEmpty();
        assertThat(t.relayPortMin()).isEqualTo(49152);
        assertThat(t.relayPortMax()).isEqualTo(65535);
        assertThat(t.allowPeers()).isEmpty();
        assertThat(t.maxLifetime()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void turnFlagsAndEnvironmentAreRead() {
        TurnConfig t = ConfigLoader.load(null, Map.of("SWITCHBOARD_TURN_ALLOW_PEERS", "127.0.0.1/32, ::1"),
                Map.of("turn.users", List.of("alice:a:b", "bob:x"), "turn.relay-ports", "50000-50100",
                        "turn.port", 3479)).turn();
        assertThat(t.port()).isEqualTo(3479);
        assertThat(t.userPasswords()).containsEntry("alice", "a:b").containsEntry("bob", "x");
        assertThat(t.relayPortMin()).isEqualTo(50000);
        assertThat(t.relayPortMax()).isEqualTo(50100);
        assertThat(t.allowPeers()).extracting(Object::toString).containsExactly("127.0.0.1/32", "0:0:0:0:0:0:0:1/128");
    }

    @Test
    void singlePortSetsEveryListenerToOneNumber() {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of("SWITCHBOARD_HTTP_PORT", "80"),
                Map.of("single-port", 443, "turn.tls-port", 5349));
        assertThat(List.of(c.http().port(), c.tls().httpsPort(), c.turn().port(), c.turn().tlsPort()))
                .as("single-port overrides the four ports, wherever they were set").containsOnly(443);
        SwitchboardConfig env = ConfigLoader.load(null, Map.of("SWITCHBOARD_SINGLE_PORT", "8443"), Map.of());
        assertThat(env.turn().port()).isEqualTo(8443);
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).http().port()).as("off by default").isEqualTo(8080);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("single-port", 70000)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anyMatch(p -> p.startsWith("single-port:")));
    }

    @Test
    void badTurnKeysAreReportedByName() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("turn.users", List.of("bob:"),
                "turn.relay-ports", "6000-5000", "turn.allow-peers", List.of("127.0.0.1/33"),
                "turn.deny-peers", List.of("example.org"), "turn.relay-address", "host", "turn.tls-port", 70000,
                "turn.realm", "")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("turn.users:") && p.contains("\"bob:...\""))
                        .anyMatch(p -> p.startsWith("turn.relay-ports:"))
                        .anyMatch(p -> p.startsWith("turn.allow-peers:"))
                        .anyMatch(p -> p.startsWith("turn.deny-peers:"))
                        .anyMatch(p -> p.startsWith("turn.relay-address:"))
                        .anyMatch(p -> p.startsWith("turn.tls-port:"))
                        .anyMatch(p -> p.startsWith("turn.realm:")));
    }

    @Test
    void tlsAndAuthKeysAreValidated(@TempDir Path dir) throws Exception {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.tls().httpsPort()).isEqualTo(8443);
        assertThat(c.tls().devCertificate()).isTrue();
        assertThat(c.auth().enabled()).isFalse();
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("tls.cert", cert.toString(),
                "tls.key", dir.resolve("missing.pem").toString(), "auth.secret", "short", "https.redirect-http", "maybe")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("tls.key:") && p.contains("cannot read"))
                        .anyMatch(p -> p.startsWith("auth.secret:") && p.contains("16"))
                        .anyMatch(p -> p.startsWith("https.redirect-http:")));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("tls.cert", cert.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("together");
    }

    @Test
    void logFormatIsTextOrJson() {
        assertThat(ConfigLoader.load(null, Map.of("SWITCHBOARD_LOG_FORMAT", "json"), Map.of()).logFormat()).isEqualTo("json");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("log.format", "xml")))
                .hasMessageContaining("log.format");
    }
}
