package dev.switchboard.media;

import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 "Exif" segment, values 1 to 8: how
 * the stored pixels must be turned and mirrored to be upright). Phones store portraits sideways and
 * set this tag; a thumbnail that ignores it comes out sideways. Reads only the segments before the
 * image data, at most {@link #MAX_HEADER} bytes; anything unreadable is orientation 1 (as stored).
 */
final class ExifOrientation {
    static final int MAX_HEADER = 256 * 1024;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {}

    /** The orientation (1..8) of the JPEG in {@code source} from position 0, or 1. */
    static int read(FileChannel source) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(MAX_HEADER, source.size()));
        while (b.hasRemaining() && source.read(b, b.position()) > 0) {
            // read the head of the file
        }
        b.flip();
        return parse(b);
    }

    /** The orientation from a JPEG's first bytes, or 1. */
    static int parse(ByteBuffer b) {
        b.order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < 4 || (b.getShort(0) & 0xffff) != 0xFFD8) {
            return 1;
        }
        int at = 2;
        while (at + 4 <= b.limit()) {
            if ((b.get(at) & 0xff) != 0xFF) {
                return 1;
            }
            int marker = b.get(at + 1) & 0xff;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF) {
                at += marker == 0xFF ? 1 : 2; // no length: fill byte, SOI, RSTn, TEM
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // the image data starts: no EXIF before it
            }
            int length = b.getShort(at + 2) & 0xffff;
            int body = at + 4;
            if (length < 2 || body + length - 2 > b.limit()) {
                return 1;
            }
            if (marker == 0xE1 && length >= 8 && b.getInt(body) == 0x45786966 && b.getShort(body + 4) == 0) {
                return tiff(b.slice(body + 6, length - 8));
            }
            at = body + length - 2;
        }
        return 1;
    }

    private static int tiff(ByteBuffer t) {
        if (t.remaining() < 8) {
            return 1;
        }
        int order = t.getShort(0) & 0xffff;
        if (order == 0x4949) {
            t.order(ByteOrder.LITTLE_ENDIAN);
        } else if (order != 0x4D4D) {
            return 1;
        }
        if ((t.getShort(2) & 0xffff) != 42) {
            return 1;
        }
        long ifd = t.getInt(4) & 0xffffffffL;
        if (ifd + 2 > t.limit()) {
            return 1;
        }
        int entries = t.getShort((int) ifd) & 0xffff;
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + i * 12;
            if (e + 12 > t.limit()) {
                return 1;
            }
            if ((t.getShort(e) & 0xffff) == TAG_ORIENTATION && (t.getShort(e + 2) & 0xffff) == TYPE_SHORT) {
                int v = t.getShort(e + 8) & 0xffff;
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    /** Whether the upright image has width and height swapped against the stored one (orientations 5 to 8). */
    static boolean swapsSides(int orientation) {
        return orientation >= 5;
    }

    /**
     * The transform that draws a stored image of {@code w}x{@code h} (as scaled) upright into an
     * image of the upright size.
     */
    static AffineTransform upright(int orientation, double w, double h) {
        return switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0); // mirrored
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h); // turned 180
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h); // mirrored vertically
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0); // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0); // turned 90 clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w); // transversed
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w); // turned 90 counter-clockwise
            default -> new AffineTransform();
        };
    }
}
