package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaStoreTest {
    @TempDir
    Path dataDir;
    MediaStore store;

    @BeforeEach
    void open() throws IOException {
        store = MediaStore.open(dataDir, "", 2);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Upload.Written write(byte[] bytes) throws IOException {
        Upload u = store.begin();
        // in a few pieces, as the network delivers them
        for (int off = 0; off < bytes.length; off += 1000) {
            u.write(ByteBuffer.wrap(bytes, off, Math.min(1000, bytes.length - off)));
        }
        return u.finish();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void anUploadIsInvisibleUntilCommittedAndThenLivesUnderItsDigest() throws IOException {
        byte[] photo = TestImages.jpeg(64, 48, 1);
        String sha = TestImages.sha256(photo);
        Upload.Written w = write(photo);
        assertThat(w.sha256()).isEqualTo(sha);
        assertThat(w.size()).isEqualTo(photo.length);
        assertThat(files(store.temporaryFiles())).hasSize(1);
        assertThat(store.contentPath(sha)).doesNotExist();
        assertThat(store.count()).isZero();

        MediaStore.Stored s = store.commit(w, "room-1", MediaType.JPEG);
        assertThat(s.created()).isTrue();
        assertThat(store.contentPath(sha)).isEqualTo(dataDir.resolve("media").resolve(sha.substring(0, 2)).resolve(sha.substring(2)));
        assertThat(Files.readAllBytes(store.contentPath(sha))).isEqualTo(photo);
        assertThat(files(store.temporaryFiles())).isEmpty();
        assertThat(store.find(s.media().id())).contains(s.media());
    }

    @Test
    void commitRenamesTheFsyncedTempFileInsteadOfCopyingIt() throws IOException {
        byte[] photo = TestImages.png(32, 32, 2);
        Upload.Written w = write(photo);
        Path temp = files(store.temporaryFiles()).get(0);
        Object inode = Files.readAttributes(temp, BasicFileAttributes.class).fileKey();
        store.commit(w, "r", MediaType.PNG);
        Object after = Files.readAttributes(store.contentPath(w.sha256()), BasicFileAttributes.class).fileKey();
        assertThat(inode).as("file key (device, inode) is available on Linux").isNotNull();
        assertThat(after).as("same inode: an atomic rename, not a copy").isEqualTo(inode);
        assertThat(temp).doesNotExist();
    }

    @Test
    void equalBytesAreOneFileAndOneRowPerRoom() throws IOException {
        byte[] photo = TestImages.jpeg(40, 40, 3);
        MediaStore.Stored first = store.commit(write(photo), "a", MediaType.JPEG);
        MediaStore.Stored again = store.commit(write(photo), "a", MediaType.JPEG);
        MediaStore.Stored otherRoom = store.commit(write(photo), "b", MediaType.JPEG);
        assertThat(again.created()).isFalse();
        assertThat(again.media()).isEqualTo(first.media());
        assertThat(otherRoom.created()).isTrue();
        assertThat(otherRoom.media().id()).isNotEqualTo(first.media().id());
        assertThat(store.count()).isEqualTo(2);
        assertThat(files(dataDir.resolve("media")).stream().filter(p -> !p.startsWith(store.temporaryFiles())))
                .containsExactly(store.contentPath(first.media().sha256()));
        assertThat(files(store.temporaryFiles())).isEmpty();
    }

    @Test
    void theFileGoesWithTheLastRowThatUsesIt() throws IOException {
        byte[] photo = TestImages.jpeg(40, 40, 4);
        Media a = store.commit(write(photo), "a", MediaType.JPEG).media();
        Media b = store.commit(write(photo), "b", MediaType.JPEG).media();
        assertThat(store.delete(a.id())).contains(a);
        assertThat(store.contentPath(a.sha256())).exists();
        assertThat(store.delete(a.id())).isEmpty();
        assertThat(store.delete(b.id())).contains(b);
        assertThat(store.contentPath(a.sha256())).doesNotExist();
    }

    @Test
    void discardedUploadsLeaveNothing() throws IOException {
        Upload u = store.begin();
        u.write(ByteBuffer.wrap(TestImages.jpegLike(5000, 5)));
        u.discard();
        u.discard();
        assertThat(files(dataDir.resolve("media"))).isEmpty();
        Upload finished = store.begin();
        finished.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        finished.finish();
        finished.discard();
        assertThat(files(dataDir.resolve("media"))).isEmpty();
    }

    @Test
    void leftoversOfACrashAreSweptAtOpenAndRowsSurvive() throws IOException {
        Media kept = store.commit(write(TestImages.jpeg(20, 20, 6)), "a", MediaType.JPEG).media();
        Upload interrupted = store.begin();
        interrupted.write(ByteBuffer.wrap(new byte[4096]));
        store.close();
        assertThat(files(store.temporaryFiles())).hasSize(1);

        store = MediaStore.open(dataDir, "", 2);
        assertThat(files(store.temporaryFiles())).isEmpty();
        assertThat(store.find(kept.id())).contains(kept);
        assertThat(store.list("a", 10, null)).containsExactly(kept);
    }

    @Test
    void aSecondStoreOnTheSameDataDirIsRefusedWhileTheFirstIsOpen() throws IOException {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MediaStore.open(dataDir, "", 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another Switchboard server");
        store.close();
        store = MediaStore.open(dataDir, "", 2); // free again once closed
    }

    @Test
    void listingIsNewestFirstAndPagesByTheLastId() throws IOException {
        Media[] m = new Media[5];
        for (int i = 0; i < 5; i++) {
            m[i] = store.commit(write(TestImages.jpegLike(100 + i, i)), "gallery", MediaType.JPEG).media();
        }
        store.commit(write(TestImages.jpegLike(99, 42)), "elsewhere", MediaType.JPEG);
        assertThat(store.list("gallery", 2, null)).containsExactly(m[4], m[3]);
        assertThat(store.list("gallery", 2, m[3].id())).containsExactly(m[2], m[1]);
        assertThat(store.list("gallery", 2, m[1].id())).containsExactly(m[0]);
        assertThat(store.list("gallery", 10, m[0].id())).isEmpty();
        assertThat(store.list("nobody", 10, null)).isEmpty();
    }

    @Test
    void thumbnailsAreSmallJpegsCachedOnDiskAndUndecodableImagesHaveNone() throws IOException {
        Media big = store.commit(write(TestImages.png(1200, 800, 7)), "t", MediaType.PNG).media();
        byte[] thumb;
        try (FileChannel ch = store.thumbnail(big)) {
            thumb = read(ch);
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(thumb));
        assertThat(MediaType.detect(thumb, thumb.length)).isEqualTo(MediaType.JPEG);
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(213);
        try (FileChannel again = store.thumbnail(big)) {
            assertThat(read(again)).isEqualTo(thumb);
        }

        Media webp = store.commit(write(TestImages.webp(2000, 8)), "t", MediaType.WEBP).media();
        assertThat(store.thumbnail(webp)).as("a WebP signature over random bytes").isNull();
        Media broken = store.commit(write(TestImages.jpegLike(3000, 9)), "t", MediaType.JPEG).media();
        assertThat(store.thumbnail(broken)).as("undecodable JPEG").isNull();

        store.delete(big.id());
        assertThat(files(dataDir.resolve("media").resolve("thumbs"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"lossy.webp, 800, 600, 320, 240", "lossless.webp, 600, 800, 240, 320", "alpha.webp, 400, 300, 320, 240"})
    void webPPhotosGetJpegThumbnailsOfTheirPicture(String file, int width, int height, int thumbWidth, int thumbHeight)
            throws IOException {
        // Drawn and encoded by Chromium's canvas: top half a red-to-blue gradient, bottom left green,
        // bottom right white (alpha.webp: transparent there, and the gradient half transparent).
        byte[] bytes;
        try (var in = MediaStoreTest.class.getResourceAsStream("webp/" + file)) {
            bytes = in.readAllBytes();
        }
        assertThat(MediaType.detect(bytes, bytes.length)).isEqualTo(MediaType.WEBP);
        Media photo = store.commit(write(bytes), "t", MediaType.WEBP).media();
        byte[] thumb;
        try (FileChannel ch = store.thumbnail(photo)) {
            assertThat(ch).as("a thumbnail for " + file).isNotNull();
            thumb = read(ch);
        }
        assertThat(MediaType.detect(thumb, thumb.length)).isEqualTo(MediaType.JPEG);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(thumb));
        assertThat(img.getWidth()).isEqualTo(thumbWidth);
        assertThat(img.getHeight()).isEqualTo(thumbHeight);
        Color green = new Color(img.getRGB(thumbWidth / 4, thumbHeight * 3 / 4));
        assertThat(green.getGreen()).as("bottom left is green").isGreaterThan(120);
        assertThat(green.getRed() + green.getBlue()).isLessThan(60);
        Color white = new Color(img.getRGB(thumbWidth * 3 / 4, thumbHeight * 3 / 4));
        assertThat(Math.min(white.getRed(), Math.min(white.getGreen(), white.getBlue())))
                .as("bottom right is white (transparent becomes white)").isGreaterThan(235);
        Color topRight = new Color(img.getRGB(thumbWidth - 3, thumbHeight / 2 - 3));
        assertThat(topRight.getBlue()).as("the gradient ends blue").isGreaterThan(topRight.getRed());
    }

    private static byte[] read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) ch.size());
        while (b.hasRemaining() && ch.read(b) >= 0) {
            // keep reading
        }
        return b.array();
    }
}
