package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MediaTypeTest {

    private static MediaType detect(byte[] b) {
        return MediaType.detect(b, b.length);
    }

    @Test
    void realEncodedImagesAreRecognisedBySignature() {
        assertThat(detect(Arrays.copyOf(TestImages.jpeg(16, 16, 1), 12))).isEqualTo(MediaType.JPEG);
        assertThat(detect(Arrays.copyOf(TestImages.png(16, 16, 1), 12))).isEqualTo(MediaType.PNG);
        assertThat(detect(Arrays.copyOf(TestImages.webp(64, 1), 12))).isEqualTo(MediaType.WEBP);
    }

    @Test
    void shortestSignaturesAreEnough() {
        assertThat(detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).isEqualTo(MediaType.JPEG);
        assertThat(detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})).isEqualTo(MediaType.PNG);
    }

    @Test
    void nearMissesAndOtherFormatsAreRefused() {
        assertThat(detect(new byte[0])).isNull();
        assertThat(detect(new byte[] {(byte) 0xFF, (byte) 0xD8})).as("truncated JPEG").isNull();
        assertThat(detect(new byte[] {(byte) 0xFF, (byte) 0xD8, 0x00})).isNull();
        assertThat(detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, 0})).as("damaged PNG").isNull();
        assertThat(detect("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII))).as("RIFF but WAVE").isNull();
        assertThat(detect("GIF89a\1\0\1\0\0\0".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(detect("<svg xmlns=\"ht".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(detect("RIFF\0\0\0\0WEB".getBytes(StandardCharsets.US_ASCII))).as("11 bytes of WebP").isNull();
    }

    @Test
    void onlyTheDetectedPrefixLengthIsRead() {
        byte[] png = Arrays.copyOf(TestImages.png(4, 4, 2), 12);
        assertThat(MediaType.detect(png, 7)).as("7 of the 8 signature bytes").isNull();
    }

    @Test
    void contentTypeHeadersAreMatchedWithoutParameters() {
        assertThat(MediaType.fromContentType("image/jpeg")).isEqualTo(MediaType.JPEG);
        assertThat(MediaType.fromContentType("IMAGE/PNG; charset=binary")).isEqualTo(MediaType.PNG);
        assertThat(MediaType.fromContentType(" image/webp ")).isEqualTo(MediaType.WEBP);
        assertThat(MediaType.fromContentType("image/gif")).isNull();
        assertThat(MediaType.fromContentType("image/svg+xml")).isNull();
        assertThat(MediaType.fromContentType(null)).isNull();
    }
}
