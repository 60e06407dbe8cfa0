package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unknown path opened by a browser (Accept: text/html) gets the web app's HTML "page not found" with
 * status 404; the API and clients that do not ask for HTML keep the JSON error.
 */
class NotFoundPageTest {
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Test
    void aBrowserNavigationToAnUnknownPathGetsAnHtmlPage() throws Exception {
        HttpResponse<String> res = get("/x", BROWSER);
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(res.headers().firstValue("content-security-policy")).isPresent();
        assertThat(res.body()).contains("data-testid=\"not-found\"").contains("href=\"/\"");
        assertThat(get("/js/nope.js", BROWSER).statusCode()).isEqualTo(404);
    }

    @Test
    void theApiAndNonBrowserClientsKeepJson() throws Exception {
        for (String[] c : new String[][] {{"/api/nope", BROWSER}, {"/x", "application/json"}, {"/x", null}}) {
            HttpResponse<String> res = get(c[0], c[1]);
            assertThat(res.statusCode()).as(c[0] + " " + c[1]).isEqualTo(404);
            assertThat(res.body()).as(c[0]).contains("\"error\"");
            assertThat(res.headers().firstValue("content-type").orElse("")).as(c[0]).startsWith("application/json");
        }
    }

    @Test
    void knownPagesStillAnswer200() throws Exception {
        assertThat(get("/room/abc", BROWSER).statusCode()).isEqualTo(200);
        assertThat(get("/css/app.css", "text/css").statusCode()).isEqualTo(200);
    }
}
