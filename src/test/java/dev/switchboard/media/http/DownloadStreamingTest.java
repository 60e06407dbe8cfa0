package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.media.MediaType;
import dev.switchboard.media.Media;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.Upload;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Downloads are streamed ({@link FileResponse}): a file past 2 GiB is served by range and whole, a
 * streamed body has the stored digest and the connection serves the next request after it (HTTP and
 * HTTPS), a client that stops reading does not make the server buffer the file, and one that goes
 * away leaves no file open. The big file is sparse: a hole, then {@link #TAIL} random bytes.
 */
class DownloadStreamingTest {
    static final long TWO_GIB = 1L << 31;
    static final long BIG = TWO_GIB + (1 << 20) + 3;
    static final int TAIL = 3 << 19;
    static final long TAIL_AT = BIG - TAIL;

    static TestServer server;
    static Http http;
    static byte[] tail;
    static Media big;
    static Path bigFile;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(java.util.Map.of("https.port", TestServer.freePort()));
        http = new Http(server.url());
        tail = FileApiTest.random(TAIL, 7);
        Path sparse = server.dataDir().resolve("big.part");
        try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(tail), TAIL_AT);
        }
        big = place(server.server().media(), sparse, "big");
        bigFile = server.server().media().contentPath(big.sha256()).toRealPath();
        assertThat(Files.size(bigFile)).isEqualTo(BIG);
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
            if (bigFile != null) {
                Files.deleteIfExists(bigFile);
            }
        }
    }

    /**
     * Puts {@code file} in the store the way an upload ends: the content file named by its SHA-256, then
     * the row, through {@link MediaStore#commit} (which keeps the content already in place).
     */
    static Media place(MediaStore store, Path file, String room) throws Exception {
        String sha = sha256(file);
        Path target = store.contentPath(sha);
        Files.createDirectories(target.getParent());
        Files.move(file, target);
        Upload.Written none = store.begin().finish();
        return store.commit(new Upload.Written(none.upload(), sha, Files.size(target)), room, MediaType.FILE).media();
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                d.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** The big file's bytes from {@code first}, {@code n} of them. */
    static byte[] bigBytes(long first, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            long at = first + i;
            b[i] = at < TAIL_AT ? 0 : tail[(int) (at - TAIL_AT)];
        }
        return b;
    }

    static long usedDirectMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    /** How many of this process's file descriptors are open on {@code file}. */
    static long openDescriptors(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void aFilePast2GiBIsServedByRangeAtItsEndWithTheExactBytes() {
        String url = big.url();
        HttpResponse<byte[]> across = http.get(url, "Range", "bytes=2147483000-2147484999");
        assertThat(across.statusCode()).isEqualTo(206);
        assertThat(across.headers().firstValue("Content-Range")).hasValue("bytes 2147483000-2147484999/" + BIG);
        assertThat(across.body()).as("the range crosses 2^31").isEqualTo(bigBytes(2147483000L, 2000));

        HttpResponse<byte[]> rest = http.get(url, "Range", "bytes=" + TWO_GIB + "-");
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Length")).hasValue(Long.toString(BIG - TWO_GIB));
        assertThat(rest.body()).as("several chunks, all past 2 GiB").isEqualTo(bigBytes(TWO_GIB, (int) (BIG - TWO_GIB)));

        HttpResponse<byte[]> suffix = http.get(url, "Range", "bytes=-1000");
        assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes " + (BIG - 1000) + "-" + (BIG - 1) + "/" + BIG);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(tail, TAIL - 1000, TAIL));

        HttpResponse<byte[]> past = http.get(url, "Range", "bytes=" + BIG + "-");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + BIG);

        HttpResponse<byte[]> head = http.send(http.request(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Long.toString(BIG));
        assertThat(head.headers().firstValue("ETag")).hasValue("\"" + big.sha256() + "\"");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aFilePast2GiBDownloadsWholeWithItsDigestAndTheConnectionServesTheNextRequest() throws Exception {
        try (RawHttp c = RawHttp.connect(server.httpPort(), 0)) {
            c.request("GET", big.url());
            RawHttp.Head h = c.head();
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.contentLength()).isEqualTo(BIG);
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            assertThat(c.body(BIG, d)).isEqualTo(BIG);
            assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(big.sha256());

            c.request("GET", big.url(), "Range: bytes=-10");
            RawHttp.Head again = c.head();
            assertThat(again.status()).isEqualTo(206);
            assertThat(c.body(10)).isEqualTo(Arrays.copyOfRange(tail, TAIL - 10, TAIL));
        }
    }

    @Test
    void aStreamedDownloadHasItsDigestAndKeepsTheConnectionOpenOverHttpAndHttps() throws Exception {
        byte[] body = FileApiTest.random(5 * FileResponse.CHUNK + 7, 11);
        String sha = FileApiTest.sha256(body);
        HttpResponse<byte[]> up = FileApiTest.post(http, "keep", body, sha);
        assertThat(up.statusCode()).as(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        String url = Http.json(up).path("url").asText();
        Tls tls = Tls.trusting(server.dataDir().resolve("tls/dev-cert.pem"));
        try (RawHttp plain = RawHttp.connect(server.httpPort(), 0);
             RawHttp secure = RawHttp.connectTls(server.server().httpsAddress().getPort(), tls.context)) {
            for (RawHttp c : new RawHttp[] {plain, secure}) {
                for (int round = 0; round < 2; round++) {
                    c.request("GET", url);
                    RawHttp.Head h = c.head();
                    assertThat(h.status()).isEqualTo(200);
                    assertThat(h.headers()).doesNotContainKey("connection");
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    c.body(h.contentLength(), d);
                    assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(sha);
                }
                c.request("GET", url, "Range: bytes=300000-300099");
                assertThat(c.head().status()).isEqualTo(206);
                assertThat(c.body(100)).isEqualTo(Arrays.copyOfRange(body, 300_000, 300_100));
                c.request("GET", url, "Connection: close");
                RawHttp.Head last = c.head();
                assertThat(last.headers()).containsEntry("connection", "close");
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                c.body(last.contentLength(), d);
                assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(sha);
                assertThat(c.closedByServer()).as("closed after the streamed body, as asked").isTrue();
            }
        }
    }

    @Test
    void aClientThatStopsReadingDoesNotMakeTheServerBufferTheFile() throws Exception {
        long before = usedDirectMemory();
        try (RawHttp c = RawHttp.connect(server.httpPort(), 64 * 1024)) {
            c.request("GET", big.url());
            assertThat(c.head().contentLength()).isEqualTo(BIG);
            c.body(1 << 20, null);
            long peak = 0;
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) { // the client reads nothing more meanwhile
                peak = Math.max(peak, usedDirectMemory() - before);
                Thread.sleep(50);
            }
            assertThat(openDescriptors(bigFile)).as("the response is still going").isPositive();
            assertThat(peak).as("direct memory held for a stalled 2 GiB download")
                    .isLessThan(16L << 20);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openDescriptors(bigFile)).isZero());
    }

    @Test
    void aClientThatGoesAwayMidDownloadLeavesNoFileOpen() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawHttp c = RawHttp.connect(server.httpPort(), 0)) {
                c.request("GET", big.url(), "Range: bytes=" + (i * 1000) + "-");
                assertThat(c.head().status()).isEqualTo(206);
                c.body(3 * FileResponse.CHUNK, null);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(openDescriptors(bigFile)).isPositive());
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openDescriptors(bigFile)).isZero());
        HttpResponse<byte[]> after = http.get(big.url(), "Range", "bytes=-5");
        assertThat(after.body()).as("the server serves on").isEqualTo(Arrays.copyOfRange(tail, TAIL - 5, TAIL));
    }
}
