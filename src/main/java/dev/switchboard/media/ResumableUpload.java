package dev.switchboard.media;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One resumable upload, a recording or a file ({@link UploadKind}), in the offset-append scheme of
 * the resumable upload API: bytes are appended to a temporary file only at the current offset, one part
 * at a time; a part cut off midway keeps what reached the file, so the client asks for the offset and
 * continues from there. Nothing is visible to readers until the upload is finished and committed to
 * the {@link MediaStore}.
 * <p>State changes are synchronised; file work ({@link #write}, {@link #upload}) happens on the storage
 * executor, one task at a time, ordered by {@link #claim} and {@link #release}.
 */
public final class ResumableUpload {
    /** What {@link #claim} found. */
    public enum Claim { CLAIMED, BUSY, WRONG_OFFSET, GONE }

    private final MediaId id;
    private final String room;
    private final MediaType type;
    private Upload upload;
    private long offset;
    private long acknowledged;
    private boolean busy;
    private boolean closed;
    private long lastActive;
    private final long started;
    private final long createdAtMillis;
    private final long length;
    private java.nio.channels.FileLock held;

    /**
     * A session that began at {@code started} on the sessions' nanosecond clock ({@code createdAtMillis}
     * on the wall clock, kept on disk) and was last active {@code now}; its offset is the upload's size.
     * {@code length} is the declared total (Upload-Length), -1 for none.
     */
    ResumableUpload(MediaId id, String room, MediaType type, Upload upload, long started, long createdAtMillis,
                     long now, long length) {
        this.length = length;
        this.started = started;
        this.createdAtMillis = createdAtMillis;
        this.id = id;
        this.room = room;
        this.type = type;
        this.upload = upload;
        this.offset = upload.size();
        this.acknowledged = offset;
        this.lastActive = now;
    }

    /** The offset last made durable and acknowledged (see {@link ResumableUploads#checkpoint}). */
    synchronized long acknowledged() {
        return acknowledged;
    }

    synchronized void acknowledge(long at) {
        acknowledged = at;
    }

    /** After a failed write: continues from {@code u}, the file reopened at the acknowledged offset. */
    synchronized void replaceUpload(Upload u) {
        upload = u;
        offset = u.size();
    }

    /** What the session's sidecar file says (see {@link SessionFiles}). */
    synchronized SessionFiles.Saved saved() {
        return new SessionFiles.Saved(id, room, type, offset, createdAtMillis, length);
    }

    /** The total the client declared (Upload-Length), or -1 when it did not. */
    public long length() {
        return length;
    }

    /** The most bytes this upload may hold: its declared length, else {@code max}. */
    public long limit(long max) {
        return length >= 0 ? Math.min(length, max) : max;
    }

    public MediaId id() {
        return id;
    }

    public String room() {
        return room;
    }

    /** A file for a peer, or a recording. */
    public UploadKind kind() {
        return type == MediaType.FILE ? UploadKind.FILE : UploadKind.RECORDING;
    }

    public MediaType type() {
        return type;
    }

    /** When the session was created, on the sessions' nanosecond clock. */
    public long started() {
        return started;
    }

    public synchronized long offset() {
        return offset;
    }

    public synchronized boolean busy() {
        return busy;
    }

    /** Takes the session for one part (or the finish) starting at {@code at}; -1 skips the offset check. */
    public synchronized Claim claim(long at, long now) {
        if (closed) {
            return Claim.GONE;
        }
        if (busy) {
            return Claim.BUSY;
        }
        if (at >= 0 && at != offset) {
            return Claim.WRONG_OFFSET;
        }
        busy = true;
        lastActive = now;
        return Claim.CLAIMED;
    }

    /** Ends the part in progress (finished or cut off): the session takes parts again. */
    public synchronized void release(long now) {
        busy = false;
        lastActive = now;
        if (held != null) {
            try {
                held.release();
            } catch (java.io.IOException ignored) {
                // the channel is closed: the kernel dropped the lock with it
            }
            held = null;
        }
    }

    /** Keeps {@code lock} on the part file (a shared media folder) until {@link #release}. */
    synchronized void hold(java.nio.channels.FileLock lock) {
        held = lock;
    }

    /** Appends {@code bytes} (consumed) at the offset; only while claimed, on the storage executor. */
    public void write(ByteBuffer[] bytes) throws IOException {
        Upload u = upload();
        u.write(bytes);
        synchronized (this) {
            offset = u.size();
        }
    }

    /** The upload behind the session, for the finish step (claimed, on the storage executor). */
    public synchronized Upload upload() {
        return upload;
    }

    /** Closes the session when no part is in progress and it was last active before {@code cutoff}. */
    synchronized boolean closeIfIdleSince(long cutoff) {
        if (busy || closed || lastActive - cutoff >= 0) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Marks the session finished or abandoned; later claims see {@link Claim#GONE}. */
    synchronized void close() {
        closed = true;
    }
}
