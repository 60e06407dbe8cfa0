package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The multipart/form-data codec (RFC 7578, RFC 2046 section 5.1.1), fed in pieces of every size. */
class MultipartParserTest {
    record Got(MultipartParser.Part part, byte[] body) {}

    /** Collects the parts. */
    static final class Collector implements MultipartParser.Sink {
        final List<Got> parts = new ArrayList<>();
        private MultipartParser.Part current;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void begin(MultipartParser.Part part) {
            current = part;
            body.reset();
        }

        @Override
        public void data(byte[] bytes, int offset, int length) {
            body.write(bytes, offset, length);
        }

        @Override
        public void partEnd() {
            parts.add(new Got(current, body.toByteArray()));
        }
    }

    static byte[] form(String boundary, byte[] file) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("preamble to ignore\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"text\"\r\n\r\nlook at these\r\n--" + boundary + "  \r\n"
                + "Content-Disposition: form-data; name=\"files\"; filename=\"a \\\"b\\\".png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        o.writeBytes(file);
        o.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=files; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n\r\n--" + boundary + "--\r\nepilogue")
                .getBytes(StandardCharsets.UTF_8));
        return o.toByteArray();
    }

    static List<Got> parse(String boundary, byte[] body, Random cuts) throws MultipartException {
        Collector c = new Collector();
        MultipartParser p = new MultipartParser(boundary, c);
        int at = 0;
        while (at < body.length) {
            int n = cuts == null ? body.length : Math.min(body.length - at, 1 + cuts.nextInt(97));
            p.feed(body, at, n);
            at += n;
        }
        p.finish();
        return c.parts;
    }

    @Test
    void partsComeOutTheSameWhateverTheBodyIsCutInto() throws Exception {
        String boundary = "----WebKitFormBoundaryx7Y";
        byte[] file = new byte[20_000];
        new Random(1).nextBytes(file);
        // content that looks like a delimiter but is not one
        byte[] fake = ("\r\n--" + boundary.substring(0, 10) + "\r\n--").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(fake, 0, file, 5000, fake.length);
        byte[] body = form(boundary, file);
        for (long seed = 0; seed < 40; seed++) {
            List<Got> parts = parse(boundary, body, seed == 0 ? null : new Random(seed));
            assertThat(parts).hasSize(3);
            assertThat(parts.get(0).part().name()).isEqualTo("text");
            assertThat(parts.get(0).part().filename()).isNull();
            assertThat(new String(parts.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("look at these");
            assertThat(parts.get(1).part()).isEqualTo(new MultipartParser.Part("files", "a \"b\".png", "image/png"));
            assertThat(parts.get(1).body()).isEqualTo(file);
            assertThat(parts.get(2).part().filename()).isEmpty();
            assertThat(parts.get(2).body()).isEmpty();
        }
    }

    @Test
    void theBoundaryComesFromAMultipartFormDataContentTypeOnly() {
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartParser.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"")).isEqualTo("a b:c");
        assertThat(MultipartParser.boundary("multipart/form-data")).isNull();
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=")).isNull();
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=" + "x".repeat(71))).isNull();
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=bad\u00e9")).isNull();
        assertThat(MultipartParser.boundary("multipart/mixed; boundary=abc")).isNull();
        assertThat(MultipartParser.boundary("application/x-www-form-urlencoded")).isNull();
        assertThat(MultipartParser.boundary(null)).isNull();
    }

    @Test
    void malformedBodiesAreRefusedWithTheReason() {
        String b = "xyz";
        assertThatThrownBy(() -> parse(b, "no boundary anywhere".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(MultipartException.class).hasMessageContaining("boundary");
        assertThatThrownBy(() -> parse(b, "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\ncut"
                .getBytes(StandardCharsets.UTF_8), null)).hasMessageContaining("ends before the closing boundary");
        assertThatThrownBy(() -> parse(b, "--xyz\r\nContent-Type: text/plain\r\n\r\nx\r\n--xyz--"
                .getBytes(StandardCharsets.UTF_8), null)).hasMessageContaining("Content-Disposition");
        assertThatThrownBy(() -> parse(b, "--xyz\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--xyz--"
                .getBytes(StandardCharsets.UTF_8), null)).hasMessageContaining("not form-data");
        assertThatThrownBy(() -> parse(b, "--xyzjunk\r\n".getBytes(StandardCharsets.UTF_8), null))
                .hasMessageContaining("junk");
        assertThatThrownBy(() -> parse(b, ("--xyz\r\nX: " + "y".repeat(9000) + "\r\n").getBytes(StandardCharsets.UTF_8),
                new Random(3))).hasMessageContaining("headers are longer");
        assertThatThrownBy(() -> parse(b, "--xyz\r\nno colon here\r\n\r\n--xyz--".getBytes(StandardCharsets.UTF_8), null))
                .hasMessageContaining("Name: value");
    }

    @Test
    void anEmptyFormIsJustTheClosingDelimiter() throws Exception {
        assertThat(parse("q", "--q--\r\n".getBytes(StandardCharsets.UTF_8), null)).isEmpty();
    }
}
