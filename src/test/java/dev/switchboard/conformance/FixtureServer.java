package dev.switchboard.conformance;

import dev.switchboard.ConformanceFixture;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The conformance fixture on a free loopback port, with small HTTP helpers for the protocol tests. */
final class FixtureServer implements AutoCloseable {
    final ConformanceFixture fixture = new ConformanceFixture();
    final int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FixtureServer() throws InterruptedException {
        port = fixture.start("127.0.0.1", TestServer.freePort()).getPort();
    }

    String url(String query) {
        return "http://127.0.0.1:" + port + "/socket.io/?" + query;
    }

    String wsUrl(String query) {
        return "ws://127.0.0.1:" + port + "/socket.io/?" + query;
    }

    HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(query))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String query, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(query))).timeout(Duration.ofSeconds(5))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a long-polling session and returns its sid. */
    String openPolling() throws Exception {
        HttpResponse<String> r = get("EIO=4&transport=polling");
        if (r.statusCode() != 200 || !r.body().startsWith("0{")) {
            throw new AssertionError("handshake failed: " + r.statusCode() + " " + r.body());
        }
        return r.body().replaceAll("^0\\{\"sid\":\"([^\"]+)\".*$", "$1");
    }

    @Override
    public void close() {
        fixture.close();
    }
}
