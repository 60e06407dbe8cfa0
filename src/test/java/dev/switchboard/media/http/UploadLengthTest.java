package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A resumable upload's declared {@code Upload-Length} is a limit: a part that would take the offset past
 * it is 413 (by its Content-Length before any byte is taken, or as a chunked body crosses it), the
 * offset never passes the length, and the length is kept across a restart.
 */
class UploadLengthTest {
    private final RestartableServer servers = new RestartableServer("switchboard-length");

    @AfterEach
    void stop() {
        servers.close();
    }

    private Http start() throws Exception {
        return servers.start(Map.of());
    }

    static long offset(Http http, String url) {
        return Http.json(http.get(url)).path("offset").asLong();
    }

    /** A part sent chunked: no Content-Length, so only the bytes themselves can cross the length. */
    static HttpResponse<byte[]> chunkedPart(Http http, String url, long offset, byte[] bytes) {
        return http.send(http.request(url + "?offset=" + offset)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))).build());
    }

    @Test
    void partsPastTheDeclaredLengthAre413AndTheOffsetNeverPassesIt() throws Exception {
        Http http = start();
        byte[] body = FileApiTest.random(100_000, 21);
        HttpResponse<byte[]> created = FileApiTest.createUpload(http, "drop", body.length);
        assertThat(created.statusCode()).isEqualTo(201);
        String url = Http.json(created).path("url").asText();
        assertThat(FileApiTest.part(http, url, "0", body, 0, 60_000).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> over = http.send(http.request(url + "?offset=60000")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[40_001])).build());
        assertThat(over.statusCode()).as(new String(over.body(), StandardCharsets.UTF_8)).isEqualTo(413);
        assertThat(Http.json(over).path("error").asText()).isEqualTo("too_large");
        assertThat(offset(http, url)).isEqualTo(60_000);

        HttpResponse<byte[]> chunked = chunkedPart(http, url, 60_000, new byte[50_000]);
        assertThat(chunked.statusCode()).as("a chunked part crossing the length").isEqualTo(413);
        assertThat(offset(http, url)).as("the offset never passes the declared length").isLessThanOrEqualTo(100_000);

        servers.stop();
        http = start();
        long at = offset(http, url);
        assertThat(at).isLessThanOrEqualTo(100_000);
        assertThat(http.send(http.request(url + "?offset=" + at)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) (100_001 - at)])).build()).statusCode())
                .as("the length is remembered across a restart").isEqualTo(413);
        if (at > 60_000) {
            // the chunked part got in up to the length: nothing more to send
            assertThat(at).isEqualTo(100_000);
            return;
        }
        assertThat(FileApiTest.part(http, url, "60000", body, 60_000, body.length).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> done = FileApiTest.finishUpload(http, url, FileApiTest.sha256(body), body.length);
        assertThat(done.statusCode()).as(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(http.get("/api/media/" + Http.json(done).path("id").asText()).body()).isEqualTo(body);
    }
}
