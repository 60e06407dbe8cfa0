package dev.switchboard.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Scales a photo to a JPEG thumbnail whose longer side is at most {@link #MAX_SIDE} pixels, with the
 * javax.imageio readers (the JDK's for JPEG and PNG, TwelveMonkeys' for WebP: lossy, lossless and with
 * alpha), turned upright by a JPEG's EXIF orientation ({@link ExifOrientation}). Images it cannot read
 * (damaged, oversized, or an animated WebP's later frames, which are ignored) give null, and the caller serves the original instead. Decoding subsamples on read, so memory
 * stays near the thumbnail's size; images over {@link #MAX_PIXELS} are refused before decoding.
 */
final class Thumbnails {
    static final int MAX_SIDE = 320;
    static final long MAX_PIXELS = 100_000_000L;
    private static final float QUALITY = 0.8f;

    static {
        ImageIO.setUseCache(false); // no temporary files from ImageIO
    }

    private Thumbnails() {}

    /** The JPEG thumbnail bytes, or null when this image cannot be decoded here. */
    static byte[] render(FileChannel source, MediaType type) throws IOException {
        int orientation = type == MediaType.JPEG ? ExifOrientation.read(source) : 1;
        source.position(0);
        BufferedImage decoded;
        try (ImageInputStream in = ImageIO.createImageInputStream(Channels.newInputStream(source))) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || (long) w * h > MAX_PIXELS) {
                    return null;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / (MAX_SIDE * 2));
                param.setSourceSubsampling(step, step, 0, 0);
                decoded = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null; // damaged or unsupported image: the caller falls back to the original
        }
        return encode(scale(decoded, orientation));
    }

    /** Scaled to fit MAX_SIDE and turned upright by the EXIF {@code orientation} (1: as stored). */
    static BufferedImage scale(BufferedImage src, int orientation) {
        double f = Math.min(1.0, (double) MAX_SIDE / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * f));
        int h = Math.max(1, (int) Math.round(src.getHeight() * f));
        boolean swap = ExifOrientation.swapsSides(orientation);
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE); // transparent PNG areas become white in the JPEG
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.transform(ExifOrientation.upright(orientation, w, h));
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] encode(BufferedImage img) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
