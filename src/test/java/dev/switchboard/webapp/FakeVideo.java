package dev.switchboard.webapp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small YUV4MPEG2 clip (the format Chromium's fake capture device reads): a fixed test picture,
 * the same in every frame, so every snapshot of it is byte-identical across runs.
 */
final class FakeVideo {
    private FakeVideo() {}

    /** Writes a {@code width}x{@code height} 4:2:0 clip of {@code frames} identical frames to {@code file}. */
    static Path write(Path file, int width, int height, int frames) throws IOException {
        return write(file, width, height, frames, 10);
    }

    /** As above, played at {@code fps} frames per second. */
    static Path write(Path file, int width, int height, int frames, int fps) throws IOException {
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("4:2:0 needs even dimensions");
        }
        byte[] y = new byte[width * height];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                // diagonal bands plus a bright box: something a JPEG encoder has to work for
                int v = ((row + col) / 8) % 2 == 0 ? 60 + col * 150 / width : 200 - row * 120 / height;
                if (row > height / 3 && row < height / 2 && col > width / 3 && col < width / 2) {
                    v = 235;
                }
                y[row * width + col] = (byte) v;
            }
        }
        byte[] u = new byte[width * height / 4];
        byte[] v = new byte[width * height / 4];
        for (int i = 0; i < u.length; i++) {
            u[i] = (byte) (90 + (i % (width / 2)) * 60 / (width / 2));
            v[i] = (byte) (170 - (i / (width / 2)) * 60 / (height / 2));
        }
        String header = "YUV4MPEG2 W" + width + " H" + height + " F" + fps + ":1 Ip A1:1 C420jpeg\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            for (int f = 0; f < frames; f++) {
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(y);
                out.write(u);
                out.write(v);
            }
        }
        return file;
    }
}
