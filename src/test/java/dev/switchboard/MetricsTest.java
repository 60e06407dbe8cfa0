package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** /metrics in Prometheus text format: it parses, the counters move, and no room or user leaks into labels. */
class MetricsTest {
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");
    final HttpClient http = HttpClient.newHttpClient();

    Map<String, Double> scrape(TestServer s) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a valid sample line: " + line).isTrue();
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        assertThat(r.body()).doesNotContain("metrics-room").doesNotContain("Ada");
        return out;
    }

    @Test
    void countersMoveWithTraffic() throws Exception {
        try (TestServer s = TestServer.start()) {
            Map<String, Double> before = scrape(s);
            assertThat(before).containsKeys("switchboard_signaling_sessions", "switchboard_signaling_rooms",
                    "switchboard_signaling_messages_relayed_total", "switchboard_turn_allocations", "switchboard_media_items",
                    "netty_allocator_used_direct_bytes",
                    "switchboard_turn_relayed_packets_total{direction=\"to-peer\",transport=\"udp\"}",
                    "switchboard_turn_relayed_bytes_total{direction=\"to-client\",transport=\"tls\"}");
            assertThat(before.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
            try (JavaSioClient a = JavaSioClient.connect(s.url(), new String[] {"websocket"}, null, "signal");
                 JavaSioClient b = JavaSioClient.connect(s.url(), new String[] {"websocket"}, null, "signal")) {
                a.call("join", new JSONObject(Map.of("room", "metrics-room", "name", "Ada")));
                b.call("join", new JSONObject(Map.of("room", "metrics-room")));
                for (int i = 0; i < 3; i++) {
                    a.call("signal", new JSONObject(Map.of("room", "metrics-room", "data", i)));
                    b.next("signal");
                }
                Map<String, Double> during = scrape(s);
                assertThat(during.get("switchboard_signaling_sessions")).isEqualTo(2.0);
                assertThat(during.get("switchboard_signaling_rooms")).isEqualTo(1.0);
                assertThat(during.get("switchboard_signaling_messages_relayed_total")
                        - before.get("switchboard_signaling_messages_relayed_total")).isEqualTo(3.0);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> scrape(s).get("switchboard_signaling_sessions") == 0.0);
        }
    }

    @Test
    void everySeriesTheDashboardUsesExists() throws Exception {
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of(
                System.getProperty("project.basedir", "."), "docs", "grafana-dashboard.json"));
        Matcher m = Pattern.compile("\\b((?:switchboard|jvm|process|system|netty)_[a-z_]+)").matcher(dashboard);
        try (TestServer s = TestServer.start(Map.of("auth.secret", "a-secret-for-the-metrics-test"))) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (String key : scrape(s).keySet()) {
                names.add(key.replaceAll("\\{.*", ""));
            }
            int checked = 0;
            while (m.find()) {
                assertThat(names).as("series used by the dashboard").contains(m.group(1));
                checked++;
            }
            assertThat(checked).isGreaterThan(5);
        }
    }
}
