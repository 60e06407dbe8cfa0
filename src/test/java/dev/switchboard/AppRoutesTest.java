package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The app's routes as served: methods a route does not declare get the router's 405 with Allow. */
class AppRoutesTest {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> send(TestServer s, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void staticFilesMetricsAndTokensLeaveOtherMethodsToTheRouters405WithAllow() throws Exception {
        try (TestServer s = TestServer.start()) {
            record Case(String method, String path, String allow) {}
            for (Case c : new Case[] {
                    new Case("POST", "/", "GET, HEAD"),
                    new Case("DELETE", "/room/team", "GET, HEAD"),
                    new Case("PUT", "/sw.js", "GET, HEAD"),
                    new Case("POST", "/metrics", "GET"),
                    new Case("HEAD", "/metrics", "GET"),
                    new Case("GET", "/api/tokens", "POST"),
                    new Case("DELETE", "/api/tokens", "POST")}) {
                HttpResponse<String> r = send(s, c.method(), c.path());
                assertThat(r.statusCode()).as(c.method() + " " + c.path()).isEqualTo(405);
                assertThat(r.headers().firstValue("allow")).as(c.method() + " " + c.path()).hasValue(c.allow());
                if (!c.method().equals("HEAD")) {
                    assertThat(r.body()).contains("\"error\":\"method_not_allowed\"");
                }
            }
            assertThat(send(s, "GET", "/").statusCode()).isEqualTo(200);
            assertThat(send(s, "HEAD", "/").statusCode()).isEqualTo(200);
            assertThat(send(s, "GET", "/metrics").statusCode()).isEqualTo(200);
        }
    }
}
