package dev.switchboard.media;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * Resumable uploads in a media folder shared by several nodes (see {@link MediaStore#shared()}): the
 * sidecar on disk is the truth for a session's offset, and one part at a time holds an exclusive lock
 * on the part file. A node reads a session it does not hold from the folder ({@link #read}), and checks
 * at the start of every part that no other node moved it on since ({@link #enter}).
 * Blocking (files): storage executor only.
 */
final class SessionHandover {
    /** What {@link #enter} found (the same names as {@link ResumableUploads.Entry}). */
    enum Entry {
        /** This node's copy is the session on disk; the part file is locked until the session is released. */
        CURRENT,
        /** Another node is writing a part now. */
        BUSY,
        /** Another node appended since: this copy is stale (forget it, read it again). */
        MOVED,
        /** Finished or cancelled on another node. */
        GONE
    }

    private SessionHandover() {}

    /**
     * The session as kept in {@code disk}, or null when there is none: the part file is locked while it is
     * cut back to the sidecar's offset (bytes past it were never acknowledged) and read for the digest.
     */
    static ResumableUpload read(SessionFiles disk, MediaId id, long now, long nowMillis) throws IOException {
        if (disk.read(id) == null) {
            return null;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(disk.part(id), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException gone) {
            return null;
        }
        try {
            FileLock lock = Upload.tryLock(ch);
            if (lock == null) {
                throw new ResumableUploads.Busy();
            }
            SessionFiles.Saved saved = disk.read(id); // again, under the lock: the last part may have ended
            if (saved == null) {
                ch.close();
                return null;
            }
            Upload upload = Upload.resume(disk.part(id), ch, saved.offset());
            lock.release();
            long ageNanos = Math.max(0, nowMillis - saved.createdAtMillis()) * 1_000_000L;
            return new ResumableUpload(id, saved.room(), saved.type(), upload, now - ageNanos,
                    saved.createdAtMillis(), now, saved.length());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Called with the session claimed: locks its part file and compares it with the sidecar on disk. */
    static Entry enter(SessionFiles disk, ResumableUpload s) throws IOException {
        FileLock lock;
        try {
            lock = s.upload().tryLock();
        } catch (java.nio.channels.ClosedChannelException closed) {
            return Entry.GONE;
        }
        if (lock == null) {
            return Entry.BUSY;
        }
        SessionFiles.Saved saved = disk.read(s.id());
        if (saved == null || saved.offset() != s.acknowledged()) {
            lock.release();
            return saved == null ? Entry.GONE : Entry.MOVED;
        }
        s.hold(lock);
        return Entry.CURRENT;
    }
}
