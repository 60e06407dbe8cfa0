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

    /** The file name the parser gives for a part whose Content-Disposition ends with {@code params}. */
    static String fileNameOf(String params) throws MultipartException {
        byte[] body = ("--q\r\nContent-Disposition: form-data; name=\"files\"; " + params
                + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--q--\r\n").getBytes(StandardCharsets.UTF_8);
        List<Got> parts = parse("q", body, null);
        assertThat(parts).hasSize(1);
        return parts.get(0).part().filename();
    }

    @Test
    void filenameStarIsPercentDecodedUtf8AndWinsOverFilenameInEitherOrder() throws Exception {
        assertThat(fileNameOf("filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20%E2%82%AC.txt"))
                .isEqualTo("na\u00efve \u20ac.txt");
        assertThat(fileNameOf("filename*=utf-8'en'%E6%97%A5%E6%9C%AC.txt; filename=\"fallback.txt\""))
                .as("charset is case-insensitive, the language tag is skipped").isEqualTo("\u65e5\u672c.txt");
        assertThat(fileNameOf("filename*=UTF-8''plain-name_1.txt")).as("filename* alone").isEqualTo("plain-name_1.txt");
        assertThat(fileNameOf("filename=\"caf\u00e9.txt\"")).as("raw UTF-8 in filename= as browsers send it")
                .isEqualTo("caf\u00e9.txt");
    }

    @Test
    void aMalformedFilenameStarGivesWayToFilename() throws Exception {
        for (String bad : List.of("ISO-8859-1''caf%E9.txt", "UTF-8''bad%ZZ.txt", "UTF-8''cut%C3", "UTF-8''%FF%FE.txt",
                "UTF-8''two words.txt", "UTF-8'no-second-quote", "no-quotes-at-all", "UTF-8'e n'x.txt",
                "UTF-8''trailing%4")) {
            assertThat(fileNameOf("filename*=" + bad + "; filename=\"fallback.txt\"")).as(bad).isEqualTo("fallback.txt");
        }
    }

    @Test
    void aMalformedFilenameStarWithNoFilenameToFallBackOnIsRefusedWithTheReason() {
        assertThatThrownBy(() -> fileNameOf("filename*=latin1''x.txt")).isInstanceOf(MultipartException.class)
                .hasMessageContaining("filename*").hasMessageContaining("RFC 8187");
    }

    @Test
    void fileNamesKeepOnlyTheLastPathSegmentAndNoControlOrBidiOverrideCharacters() throws Exception {
        assertThat(fileNameOf("filename*=UTF-8''..%2F..%2Fetc%2Fpasswd")).isEqualTo("passwd");
        assertThat(fileNameOf("filename*=UTF-8''C%3A%5CUsers%5Cme%5Cphoto.jpg")).isEqualTo("photo.jpg");
        assertThat(fileNameOf("filename=\"../up.txt\"")).isEqualTo("up.txt");
        assertThat(fileNameOf("filename*=UTF-8''a%0D%0Ab%00c%7F%C2%85.txt")).isEqualTo("abc.txt");
        assertThat(fileNameOf("filename*=UTF-8''photo%E2%80%AEgpj.exe")).as("U+202E would show it as photo.exe.jpg")
                .isEqualTo("photogpj.exe");
        assertThat(fileNameOf("filename*=UTF-8''%2E%2E")).isEqualTo(FileNames.FALLBACK);
        assertThat(fileNameOf("filename*=UTF-8''dir%2F")).isEqualTo(FileNames.FALLBACK);
        assertThat(fileNameOf("filename*=UTF-8''%01%02")).isEqualTo(FileNames.FALLBACK);
        assertThat(fileNameOf("filename=\"\"")).as("a form's no-file-chosen entry stays empty").isEmpty();
    }
}
