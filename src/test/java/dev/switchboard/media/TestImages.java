package dev.switchboard.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import javax.imageio.ImageIO;

/** Real images made in memory for tests, and their digests. */
public final class TestImages {
    private TestImages() {}

    /** A decodable image of w x h pixels with some noise (so sizes differ per seed). */
    public static byte[] image(String format, int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        Random r = new Random(seed);
        g.setColor(new Color(r.nextInt(0xFFFFFF)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 50; i++) {
            g.setColor(new Color(r.nextInt(0xFFFFFF)));
            g.fillOval(r.nextInt(w), r.nextInt(h), 1 + r.nextInt(w / 2 + 1), 1 + r.nextInt(h / 2 + 1));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(int w, int h, long seed) {
        return image("jpeg", w, h, seed);
    }

    public static byte[] png(int w, int h, long seed) {
        return image("png", w, h, seed);
    }

    /**
     * A WebP container (RIFF, "WEBP", one VP8L chunk) of {@code size} bytes. Only its signature and
     * framing are real: the JDK cannot decode WebP, so the server never looks further.
     */
    public static byte[] webp(int size, long seed) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(size - 8);
        b.put("WEBP".getBytes(StandardCharsets.US_ASCII));
        b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(size - 20);
        byte[] rest = new byte[size - 20];
        new Random(seed).nextBytes(rest);
        b.put(rest);
        return b.array();
    }

    /** Random bytes behind a JPEG signature: a "JPEG" of any size, for size-limit and throughput tests. */
    public static byte[] jpegLike(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        return b;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
