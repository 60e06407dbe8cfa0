package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 pipelining on a real server: requests sent back to back in one write are answered strictly
 * in order, each response whole and byte-exact, even when the first is a download streamed in chunks
 * (the ones after it wait until its last chunk is written).
 */
class PipelinedRequestsTest {
    static TestServer server;
    static Http http;
    static byte[] file;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        http = new Http(server.url());
        file = FileApiTest.random(5 * FileResponse.CHUNK + 7, 23);
        HttpResponse<byte[]> up = FileApiTest.post(http, "pipe", file, FileApiTest.sha256(file));
        assertThat(up.statusCode()).as(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        url = Http.json(up).path("url").asText();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String get(String path, String... headerLines) {
        StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** Bodies compared by digest: a mismatch reads as two short strings, not two dumps of bytes. */
    static String sha(byte[] b) throws Exception {
        return FileApiTest.sha256(b);
    }

    @Test
    void aSmallGetPipelinedBehindAStreamedRangedDownloadComesAfterItWholeAndInOrder() throws Exception {
        String listing = "/api/rooms/pipe/media";
        byte[] expected = http.get(listing).body();
        long from = 1000;
        long to = from + 4L * FileResponse.CHUNK - 1; // spans five chunks of the file
        try (RawHttp c = RawHttp.connect(server.httpPort(), 0)) {
            for (int round = 0; round < 3; round++) {
                c.send(get(url, "Range: bytes=" + from + "-" + to) + get(listing));

                RawHttp.Head download = c.head();
                assertThat(download.status()).isEqualTo(206);
                assertThat(download.contentLength()).isEqualTo(to - from + 1);
                assertThat(sha(c.body((int) download.contentLength())))
                        .isEqualTo(sha(Arrays.copyOfRange(file, (int) from, (int) to + 1)));

                RawHttp.Head small = c.head();
                assertThat(small.status()).isEqualTo(200);
                assertThat(small.headers().get("content-type")).startsWith("application/json");
                assertThat(c.body((int) small.contentLength())).isEqualTo(expected);
            }
        }
    }

    @Test
    void threeRequestsInOneWriteAreAnsweredInOrderAndTheLastClosesTheConnectionWithNothingAfterIt()
            throws Exception {
        try (RawHttp c = RawHttp.connect(server.httpPort(), 0)) {
            c.send(get("/api/rooms/pipe/media") + get(url) + get(url, "Range: bytes=10-19", "Connection: close"));

            RawHttp.Head first = c.head();
            assertThat(first.status()).isEqualTo(200);
            c.body((int) first.contentLength());

            RawHttp.Head whole = c.head();
            assertThat(whole.status()).isEqualTo(200);
            assertThat(sha(c.body((int) whole.contentLength()))).isEqualTo(sha(file));

            RawHttp.Head last = c.head();
            assertThat(last.status()).isEqualTo(206);
            assertThat(last.headers()).containsEntry("connection", "close");
            assertThat(c.body(10)).isEqualTo(Arrays.copyOfRange(file, 10, 20));
            assertThat(c.closedByServer()).as("nothing after the last response").isTrue();
        }
    }
}
