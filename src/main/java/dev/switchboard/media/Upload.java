package dev.switchboard.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One upload being written: bytes go to a temporary file while they are hashed (SHA-256) and counted.
 * {@link #finish} fsyncs and closes it; {@link #discard} removes it. Not thread-safe: one writer at a
 * time, on the storage executor. Nothing is visible to readers until {@link MediaStore#commit}.
 */
public final class Upload {
    private final Path temp;
    private final FileChannel channel;
    private final MessageDigest digest;
    private long size;
    private boolean closed;

    Upload(Path temp, FileChannel channel) {
        this(temp, channel, newDigest(), 0);
    }

    private Upload(Path temp, FileChannel channel, MessageDigest digest, long size) {
        this.temp = temp;
        this.channel = channel;
        this.digest = digest;
        this.size = size;
    }

    /**
     * Reopens the upload kept in {@code file} to append to it: the file is cut to {@code keep} bytes when
     * longer (bytes past what was acknowledged may be torn by a crash), then read once to rebuild the
     * digest. The upload's size is what the file holds, at most {@code keep}.
     */
    static Upload resume(Path file, long keep) throws IOException {
        return resume(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), keep);
    }

    /** As above on {@code ch}, already open on {@code file} for reading and writing (closed on failure). */
    static Upload resume(Path file, FileChannel ch, long keep) throws IOException {
        try {
            if (ch.size() > keep) {
                ch.truncate(keep);
                ch.force(true);
            }
            long size = ch.size();
            MessageDigest digest = newDigest();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long at = 0;
            while (at < size) {
                buf.clear();
                int n = ch.read(buf, at);
                if (n < 0) {
                    break;
                }
                buf.flip();
                digest.update(buf);
                at += n;
            }
            ch.position(at);
            return new Upload(file, ch, digest, at);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An exclusive lock on the file (fcntl: other processes on this host, and NFS clients, see it), or
     * null when another holder has it; throws when the upload is closed. Storage executor only.
     */
    java.nio.channels.FileLock tryLock() throws IOException {
        return tryLock(channel);
    }

    static java.nio.channels.FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
            return null; // another node in this JVM (tests) holds it
        }
    }

    /** Flushes what was written to stable storage, keeping the upload open for more. */
    public void force() throws IOException {
        channel.force(false);
    }

    /** Appends {@code bytes} (consumed). */
    public void write(ByteBuffer bytes) throws IOException {
        ByteBuffer forDigest = bytes.duplicate();
        size += bytes.remaining();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        digest.update(forDigest);
    }

    /** Appends all of {@code bytes} (consumed) with one gathering write where the system allows. */
    public void write(ByteBuffer[] bytes) throws IOException {
        long total = 0;
        for (ByteBuffer b : bytes) {
            total += b.remaining();
            digest.update(b.duplicate());
        }
        long written = 0;
        while (written < total) {
            written += channel.write(bytes);
        }
        size += total;
    }

    /** The SHA-256 of what was written so far, without ending the upload (more may be appended). */
    public String sha256SoFar() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 state cannot be copied", e);
        }
    }

    /** Up to {@code n} bytes from the start of the file written so far. */
    public byte[] head(int n) throws IOException {
        try (FileChannel in = FileChannel.open(temp)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(n, size));
            while (b.hasRemaining() && in.read(b, b.position()) > 0) {
                // read until full or the end
            }
            return b.array();
        }
    }

    public long size() {
        return size;
    }

    /** Flushes the bytes to stable storage and closes the file; returns what was written. */
    public Written finish() throws IOException {
        channel.force(true);
        channel.close();
        closed = true;
        return new Written(this, HexFormat.of().formatHex(digest.digest()), size);
    }

    /** Closes the file, keeping it (a resumable upload reopened after a failed write). */
    void close() {
        try {
            if (!closed) {
                closed = true;
                channel.close();
            }
        } catch (IOException ignored) {
            // reopened next; the close of a failed file may fail too
        }
    }

    /** Closes and deletes the temporary file; safe to call more than once and after {@link #finish}. */
    public void discard() {
        try {
            if (!closed) {
                closed = true;
                channel.close();
            }
        } catch (IOException ignored) {
            // closing a file we are about to delete
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // left for the sweep at the next start
        }
    }

    /** The file being written (a temporary file, or a resumable session's part file). */
    public Path temp() {
        return temp;
    }

    /** A finished upload: fsynced in its temporary file, with its digest and length. */
    public record Written(Upload upload, String sha256, long size) {}
}
