package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what the media API reads from request heads and bodies (Jazzer): the
 * multipart/form-data parser (boundary from the Content-Type, body in pieces of any size), Range
 * headers and the Upload-Length / Upload-Offset numbers. The parser raises only
 * {@link MultipartException}, reports parts in order, keeps file names free of paths and control
 * characters and holds a bounded buffer; a range is inside the file or refused; a number is a
 * non-negative run of ASCII digits or refused.
 */
class HttpInputsFuzzTest {
    /** The most the multipart parser may hold between pieces (its limits plus one piece, doubled). */
    static final int MAX_RETAINED = 1 << 17;

    @FuzzTest(maxDuration = "5m")
    void multipart(FuzzedDataProvider in) {
        String boundary = MultipartParser.boundary(in.consumeString(120));
        if (boundary == null) {
            boundary = "xyz";
        }
        StringBuilder events = new StringBuilder();
        MultipartParser parser = new MultipartParser(boundary, new MultipartParser.Sink() {
            boolean open;

            @Override
            public void begin(MultipartParser.Part part) {
                assertThat(open).isFalse();
                open = true;
                if (part.filename() != null) {
                    assertThat(part.filename()).doesNotContain("/", "\\").doesNotContainPattern("[\\x00-\\x1F\\x7F]");
                }
                events.append('b');
            }

            @Override
            public void data(byte[] bytes, int offset, int length) {
                assertThat(open).isTrue();
                assertThat(offset).isNotNegative();
                assertThat(offset + length).isLessThanOrEqualTo(bytes.length);
            }

            @Override
            public void partEnd() {
                assertThat(open).isTrue();
                open = false;
                events.append('e');
            }
        });
        try {
            while (in.remainingBytes() > 0) {
                byte[] piece = in.consumeBytes(1 + in.consumeInt(0, 4096));
                parser.feed(piece, 0, piece.length);
                assertThat(parser.retained()).isLessThanOrEqualTo(MAX_RETAINED);
            }
            parser.finish();
        } catch (MultipartException refused) {
            // the parser's own error
        }
    }

    @FuzzTest(maxDuration = "5m")
    void headers(FuzzedDataProvider in) {
        long size = in.consumeLong() & Long.MAX_VALUE;
        String range = in.consumeString(200);
        ByteRange r = ByteRange.parse(range, size);
        if (r != null && r != ByteRange.UNSATISFIABLE) {
            assertThat(r.first()).isBetween(0L, size - 1);
            assertThat(r.last()).isBetween(r.first(), size - 1);
            assertThat(r.length()).isPositive();
        }
        String number = in.consumeRemainingAsString();
        long n = ResumableUploadApi.parseLong(number);
        if (n != -1) {
            assertThat(number.trim()).matches("[0-9]+");
            assertThat(n).isNotNegative().isEqualTo(Long.parseLong(number.trim()));
        }
    }
}
