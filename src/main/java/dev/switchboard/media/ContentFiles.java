package dev.switchboard.media;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed file tree under {@code <data-dir>/media}: each file is named by the lowercase
 * hex SHA-256 (FIPS 180-4) of its bytes as {@code ab/cdef...}, so equal photos share one file. New
 * files are written in {@code tmp/} (same file system), fsynced, then renamed into place atomically and
 * the directory fsynced (POSIX rename(2)): a reader or a crash sees the whole file or none. Leftover
 * temporary files are removed at start. Every path is built here from a checked digest, never from input.
 * Blocking: call from the storage executor only.
 */
final class ContentFiles {
    private static final Logger log = LoggerFactory.getLogger(ContentFiles.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    static final String TEMP_SUFFIX = ".part";

    private final Path root;
    private final Path tmp;
    private final Path thumbs;

    /**
     * With a media folder shared by several nodes, temporary files untouched for this long are taken as
     * left by a crash; younger ones may be another node's uploads in progress (each write touches the file,
     * and an upload that sends nothing for minutes is cut off by the slow-client limits long before).
     */
    static final Duration SHARED_TEMP_GRACE = Duration.ofMinutes(15);

    ContentFiles(Path root) throws IOException {
        this(root, Duration.ZERO);
    }

    /** {@code tempGrace} zero: this process alone uses the folder, and every temporary file is swept. */
    ContentFiles(Path root, Duration tempGrace) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        this.thumbs = root.resolve("thumbs");
        Files.createDirectories(tmp);
        Files.createDirectories(thumbs);
        sweepTemporaryFiles(tempGrace);
    }

    /**
     * Removes what an interrupted upload or a crash left in {@code tmp/} (never visible as content); with
     * a grace, only files last modified longer ago than that.
     */
    int sweepTemporaryFiles(Duration grace) throws IOException {
        int removed = 0;
        java.time.Instant cutoff = java.time.Instant.now().minus(grace);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path f : files) {
                if (!grace.isZero()) {
                    try {
                        if (!Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                            continue;
                        }
                    } catch (NoSuchFileException gone) {
                        continue; // committed or discarded by its node meanwhile
                    }
                }
                Files.deleteIfExists(f);
                removed++;
            }
        }
        if (removed > 0) {
            log.info("removed {} unfinished upload file(s) from {}", removed, tmp);
        }
        return removed;
    }

    Path tempDir() {
        return tmp;
    }

    /**
     * The folder of resumable upload sessions of one kind, {@code uploads/<kind>}: on the same file system
     * as the content (a finished upload is renamed into place) but never swept at start, so sessions
     * outlive a restart. {@code kind} is a fixed name chosen by the code, never input.
     */
    Path sessionDir(String kind) throws IOException {
        if (!kind.matches("[a-z]{1,32}")) {
            throw new IllegalArgumentException("not a session folder name: " + kind);
        }
        Path dir = root.resolve("uploads").resolve(kind);
        Files.createDirectories(dir);
        return dir;
    }

    /** A fixed folder of the media tree ({@code name} chosen by the code), created if missing. */
    Path sessionDirUnder(String name) throws IOException {
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        return dir;
    }

    Path uploadsDir() {
        return root.resolve("uploads");
    }

    /** A new, empty temporary file for an upload, opened for writing. */
    FileChannel createTemp(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    Path newTempPath() {
        return tmp.resolve(MediaId.random().value() + TEMP_SUFFIX);
    }

    /** Where the content with this digest lives; the digest must be 64 lowercase hex digits. */
    Path path(String sha256) {
        return shard(root, sha256, "");
    }

    Path thumbnailPath(String sha256) {
        return shard(thumbs, sha256, ".jpg");
    }

    private static Path shard(Path base, String sha256, String suffix) {
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 digest");
        }
        return base.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2) + suffix);
    }

    /**
     * Makes the already fsynced temporary file {@code temp} the content for {@code sha256}: renamed into
     * place when no such content exists (returns true), deleted when an equal file is already there
     * (false). Callers serialise calls for the same digest.
     */
    boolean install(Path temp, String sha256, long size) throws IOException {
        Path target = path(sha256);
        if (Files.exists(target) && Files.size(target) == size) {
            Files.delete(temp);
            return false;
        }
        moveDurably(temp, target);
        return true;
    }

    /** Writes {@code bytes} to {@code target} through a fsynced temporary file and an atomic rename. */
    void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = newTempPath();
        try (FileChannel ch = createTemp(temp)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        moveDurably(temp, target);
    }

    private void moveDurably(Path temp, Path target) throws IOException {
        Path dir = target.getParent();
        boolean newDir = !Files.isDirectory(dir);
        if (newDir) {
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException raced) {
                newDir = false;
            }
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        fsyncDirectory(dir);
        if (newDir) {
            fsyncDirectory(dir.getParent());
        }
    }

    /** Opens the content for reading, or returns null when it is gone. */
    FileChannel open(String sha256) throws IOException {
        try {
            return FileChannel.open(path(sha256), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Removes the content and its thumbnail. */
    void delete(String sha256) throws IOException {
        Files.deleteIfExists(path(sha256));
        Files.deleteIfExists(thumbnailPath(sha256));
    }

    /** Makes a rename or create in {@code dir} durable (fsync on the directory, as POSIX allows on Linux). */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on directories; the rename itself is still atomic.
            log.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
