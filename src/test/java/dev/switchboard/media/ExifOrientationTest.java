package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thumbnails come out upright whatever EXIF orientation a phone wrote, and the tag is read safely. */
class ExifOrientationTest {
    @TempDir
    Path dir;

    /** A 64x32 JPEG, left half red and right half blue, with an EXIF orientation in {@code order}. */
    static byte[] jpeg(int orientation, ByteOrder order) throws IOException {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.BLUE);
        g.fillRect(32, 0, 32, 32);
        g.dispose();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", plain);
        byte[] p = plain.toByteArray();
        // APP1: "Exif\0\0", TIFF header, IFD0 with one entry (0x0112 SHORT 1 = orientation), next IFD 0.
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
        tiff.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        tiff.putShort((short) 42).putInt(8).putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(p, 0, 2); // SOI
        int length = 2 + 6 + tiff.capacity();
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length, 'E', 'x', 'i', 'f', 0, 0});
        out.write(tiff.array());
        out.write(p, 2, p.length - 2);
        return out.toByteArray();
    }

    BufferedImage thumbnail(byte[] jpeg) throws IOException {
        Path f = Files.write(dir.resolve("photo-" + System.nanoTime() + ".jpg"), jpeg);
        try (FileChannel ch = FileChannel.open(f)) {
            byte[] thumb = Thumbnails.render(ch, ImageType.JPEG);
            assertThat(thumb).isNotNull();
            return ImageIO.read(new ByteArrayInputStream(thumb));
        }
    }

    static boolean red(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() > 180 && c.getBlue() < 90;
    }

    static boolean blue(int rgb) {
        Color c = new Color(rgb);
        return c.getBlue() > 180 && c.getRed() < 90;
    }

    @Test
    void eachOrientationIsReadInBothByteOrders() throws IOException {
        for (int o = 1; o <= 8; o++) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                assertThat(ExifOrientation.parse(ByteBuffer.wrap(jpeg(o, order)))).as(o + " " + order).isEqualTo(o);
            }
        }
    }

    @Test
    void aPortraitStoredSidewaysComesOutUpright() throws IOException {
        BufferedImage six = thumbnail(jpeg(6, ByteOrder.BIG_ENDIAN)); // turn 90 clockwise: the left (red) goes on top
        assertThat(six.getWidth()).isEqualTo(32);
        assertThat(six.getHeight()).isEqualTo(64);
        assertThat(red(six.getRGB(16, 8))).isTrue();
        assertThat(blue(six.getRGB(16, 56))).isTrue();

        BufferedImage eight = thumbnail(jpeg(8, ByteOrder.LITTLE_ENDIAN)); // turn counter-clockwise: red at the bottom
        assertThat(eight.getWidth()).isEqualTo(32);
        assertThat(red(eight.getRGB(16, 56))).isTrue();
        assertThat(blue(eight.getRGB(16, 8))).isTrue();

        BufferedImage three = thumbnail(jpeg(3, ByteOrder.BIG_ENDIAN)); // upside down: red on the right
        assertThat(three.getWidth()).isEqualTo(64);
        assertThat(red(three.getRGB(56, 16))).isTrue();
        assertThat(blue(three.getRGB(8, 16))).isTrue();

        BufferedImage one = thumbnail(jpeg(1, ByteOrder.BIG_ENDIAN));
        assertThat(one.getWidth()).isEqualTo(64);
        assertThat(red(one.getRGB(8, 16))).isTrue();
    }

    @Test
    void damagedOrMissingExifMeansAsStored() throws IOException {
        byte[] good = jpeg(6, ByteOrder.BIG_ENDIAN);
        assertThat(ExifOrientation.parse(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xD8}))).isEqualTo(1);
        assertThat(ExifOrientation.parse(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}))).isEqualTo(1);
        byte[] cut = java.util.Arrays.copyOf(good, 20); // the segment runs past the end
        assertThat(ExifOrientation.parse(ByteBuffer.wrap(cut))).isEqualTo(1);
        byte[] badValue = jpeg(9, ByteOrder.BIG_ENDIAN);
        assertThat(ExifOrientation.parse(ByteBuffer.wrap(badValue))).isEqualTo(1);
        byte[] hugeOffset = good.clone();
        hugeOffset[2 + 4 + 6 + 4] = 0x7F; // IFD0 offset far outside the segment
        assertThat(ExifOrientation.parse(ByteBuffer.wrap(hugeOffset))).isEqualTo(1);
    }
}
