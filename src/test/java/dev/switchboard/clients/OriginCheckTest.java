package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** signaling.allowed-origins: listed browser origins connect, others get 403 with code 4. */
class OriginCheckTest {

    @Test
    void onlyListedOriginsMayOpenASession() throws Exception {
        try (TestServer server = TestServer.start(Map.of("signaling.allowed-origins", List.of("https://ok.example")))) {
            HttpClient http = HttpClient.newHttpClient();
            String url = server.url() + "/socket.io/?EIO=4&transport=polling";
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", "https://ok.example")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue("https://ok.example");
            assertThat(ok.headers().firstValue("access-control-allow-credentials")).as("a listed origin").hasValue("true");

            HttpResponse<String> evil = http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", "https://evil.example")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(evil.statusCode()).isEqualTo(403);
            assertThat(evil.body()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
            assertThat(evil.headers().firstValue("access-control-allow-origin")).isEmpty();
        }
    }

    @Test
    void withNoListAnyOriginMayConnectButNeverWithCredentials() throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            String url = server.url() + "/socket.io/?EIO=4&transport=polling";
            HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", "https://any.example")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.headers().firstValue("access-control-allow-origin")).hasValue("https://any.example");
            assertThat(open.headers().firstValue("access-control-allow-credentials")).as("no credentials for any origin").isEmpty();
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", "https://any.example")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-credentials")).isEmpty();
        }
    }
}
