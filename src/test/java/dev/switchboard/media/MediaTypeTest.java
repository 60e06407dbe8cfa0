package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageTypeTest {

    private static ImageType detect(byte[] b) {
        return ImageType.detect(b, b.length);
    }

    @Test
    void realEncodedImagesAreRecognisedBySignature() {
        assertThat(detect(Arrays.copyOf(TestImages.jpeg(16, 16, 1), 12))).isEqualTo(ImageType.JPEG);
        assertThat(detect(Arrays.copyOf(TestImages.png(16, 16, 1), 12))).isEqualTo(ImageType.PNG);
        assertThat(detect(Arrays.copyOf(TestImages.webp(64, 1), 12))).isEqualTo(ImageType.WEBP);
    }

    @Test
    void shortestSignaturesAreEnough() {
        assertThat(detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).isEqualTo(ImageType.JPEG);
        assertThat(detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})).isEqualTo(ImageType.PNG);
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
        assertThat(ImageType.detect(png, 7)).as("7 of the 8 signature bytes").isNull();
    }

    @Test
    void contentTypeHeadersAreMatchedWithoutParameters() {
        assertThat(ImageType.fromContentType("image/jpeg")).isEqualTo(ImageType.JPEG);
        assertThat(ImageType.fromContentType("IMAGE/PNG; charset=binary")).isEqualTo(ImageType.PNG);
        assertThat(ImageType.fromContentType(" image/webp ")).isEqualTo(ImageType.WEBP);
        assertThat(ImageType.fromContentType("image/gif")).isNull();
        assertThat(ImageType.fromContentType("image/svg+xml")).isNull();
        assertThat(ImageType.fromContentType(null)).isNull();
    }
}
