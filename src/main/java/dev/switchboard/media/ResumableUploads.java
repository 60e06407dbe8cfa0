package dev.switchboard.media;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resumable uploads in progress of one kind (recordings, or files for peers): held in memory and
 * kept on disk by {@link SessionFiles} in their own folder, which is not swept at start, so they
 * survive a restart or a crash. {@link #restore} loads them at start: each partial file is the truth
 * for the offset (cut back to the offset last acknowledged, re-read for the digest); sessions past
 * their duration limit are dropped, the others get a fresh idle timer. A session idle for longer than
 * the configured time is abandoned and its files removed by {@link #sweep}, which runs whenever a
 * session is created or finished. {@link #create}, {@link #checkpoint}, {@link #remove},
 * {@link #sweep}, {@link #abandon} and {@link #restore} block (files): storage executor (or start-up) only.
 */
public final class ResumableUploads {
    private static final Logger log = LoggerFactory.getLogger(ResumableUploads.class);

    private final MediaStore store;
    private final long maxBytes;
    private final long idleNanos;
    private final Duration maxDuration;
    private final int maxSessions;
    private final LongSupplier clock;
    private final Clock wall;
    private final UploadKind kind;
    private volatile SessionFiles files;
    private final Map<MediaId, ResumableUpload> sessions = new ConcurrentHashMap<>();
    private final int maxPerRoom;
    private final int maxPerClient;
    /** The client (IP address) that created each session since start; restored sessions have none. */
    private final Map<MediaId, String> clients = new ConcurrentHashMap<>();

    /** Why {@link #create} refused, for the 429's message. */
    public enum Refusal { SERVER, ROOM, CLIENT }

    /** The longest recording session allowed when none is configured. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(2);
    /** The most time a session gets past its duration limit, for parts recorded just before it. */
    static final Duration MAX_GRACE = Duration.ofSeconds(30);

    public ResumableUploads(MediaStore store, long maxBytes, Duration idle, int maxSessions, LongSupplier nanoClock) {
        this(store, maxBytes, idle, DEFAULT_MAX_DURATION, maxSessions, nanoClock);
    }

    /** {@code maxDuration} zero: sessions may last any time (only idle ones are dropped). */
    public ResumableUploads(MediaStore store, long maxBytes, Duration idle, Duration maxDuration, int maxSessions,
                             LongSupplier nanoClock) {
        this(store, UploadKind.RECORDING, maxBytes, idle, maxDuration, maxSessions, nanoClock, Clock.systemUTC());
    }

    /**
     * Sessions of one {@code kind}, kept in the store's session folder of that kind;
     * {@code wall} dates them on disk, so that the duration limit still holds after a restart.
     */
    public ResumableUploads(MediaStore store, UploadKind kind, long maxBytes, Duration idle, Duration maxDuration,
                             int maxSessions, LongSupplier nanoClock, Clock wall) {
        this(store, kind, maxBytes, idle, maxDuration, maxSessions, MAX_PER_ROOM, MAX_PER_CLIENT, nanoClock, wall);
    }

    /** Sessions open at once in one room, by default. */
    public static final int MAX_PER_ROOM = 16;
    /** Sessions open at once from one client (its IP address), by default. */
    public static final int MAX_PER_CLIENT = 64;

    /**
     * As above, with quotas: at most {@code maxPerRoom} sessions open in one room and {@code maxPerClient}
     * from one client, so that one room or one client cannot take every one of the {@code maxSessions}.
     */
    public ResumableUploads(MediaStore store, UploadKind kind, long maxBytes, Duration idle, Duration maxDuration,
                             int maxSessions, int maxPerRoom, int maxPerClient, LongSupplier nanoClock, Clock wall) {
        this.maxPerRoom = maxPerRoom;
        this.maxPerClient = maxPerClient;
        this.kind = kind;
        this.wall = wall;
        this.maxDuration = maxDuration;
        this.store = store;
        this.maxBytes = maxBytes;
        this.idleNanos = idle.toNanos();
        this.maxSessions = maxSessions;
        this.clock = nanoClock;
    }

    /** The kind of upload these sessions carry. */
    public UploadKind kind() {
        return kind;
    }

    /** The largest upload of this kind accepted, in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The longest a recording session may last; zero for no limit. */
    public Duration maxDuration() {
        return maxDuration;
    }

    /**
     * Whether the session is past its duration limit plus the grace for its last parts in flight: half
     * the limit, at most {@link #MAX_GRACE}.
     */
    public boolean pastDuration(ResumableUpload s) {
        if (maxDuration.isZero()) {
            return false;
        }
        return pastDuration(now() - s.started());
    }

    private boolean pastDuration(long ageNanos) {
        if (maxDuration.isZero()) {
            return false;
        }
        long limit = maxDuration.toNanos();
        long grace = Math.min(MAX_GRACE.toNanos(), limit / 2);
        return ageNanos > limit + grace;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** A new session for {@code room} of {@code length} bytes (-1: not declared), or null when too many are open. */
    public ResumableUpload create(String room, MediaType type, long length) throws IOException {
        return create(room, type, length, null);
    }

    /**
     * Which quota a new session for {@code room} from {@code client} (null: unknown) would pass, or null
     * when it fits. Open sessions are counted after idle ones are swept.
     */
    public synchronized Refusal quota(String room, String client) {
        sweep();
        if (sessions.size() >= maxSessions) {
            return Refusal.SERVER;
        }
        int inRoom = 0;
        int fromClient = 0;
        for (ResumableUpload s : sessions.values()) {
            if (s.room().equals(room)) {
                inRoom++;
            }
            if (client != null && client.equals(clients.get(s.id()))) {
                fromClient++;
            }
        }
        if (inRoom >= maxPerRoom) {
            return Refusal.ROOM;
        }
        return fromClient >= maxPerClient ? Refusal.CLIENT : null;
    }

    /** As above, counted against {@code client}'s quota; null when a quota is reached (see {@link #quota}). */
    public synchronized ResumableUpload create(String room, MediaType type, long length, String client)
            throws IOException {
        SessionFiles disk = files();
        if (quota(room, client) != null) {
            return null;
        }
        MediaId id = MediaId.random();
        Upload upload = store.beginAt(disk.part(id));
        long now = now();
        ResumableUpload s = new ResumableUpload(id, room, type, upload, now, wall.millis(), now, length);
        try {
            disk.save(s.saved());
        } catch (IOException | RuntimeException e) {
            upload.discard();
            disk.delete(id);
            throw e;
        }
        sessions.put(s.id(), s);
        if (client != null) {
            clients.put(s.id(), client);
        }
        return s;
    }

    /**
     * Makes the session's offset durable after a part: the bytes are fsynced, then the sidecar records
     * the offset. Call before the part is acknowledged, while the session is claimed.
     */
    public void checkpoint(ResumableUpload s) throws IOException {
        s.upload().force();
        SessionFiles.Saved saved = s.saved();
        files().save(saved);
        s.acknowledge(saved.offset());
        store.health().succeeded();
    }

    /**
     * After a failed write or checkpoint (disk full, I/O error): the session goes back to the offset last
     * acknowledged, its file cut back to it and reopened, so the client resumes from there once space is
     * back and nothing acknowledged is lost. Returns false (and abandons the session) when even that fails.
     * While claimed, on the storage executor.
     */
    public boolean rewind(ResumableUpload s) {
        try {
            s.upload().close();
            s.replaceUpload(Upload.resume(files().part(s.id()), s.acknowledged()));
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot reopen the upload {} at its acknowledged offset: {}", s.id().value(), e.toString());
            abandon(s);
            return false;
        }
    }

    /**
     * Loads the sessions kept on disk (once; later calls do nothing). Runs at start, before the listeners
     * open: a partial file longer than the offset its sidecar acknowledged is cut back to it (a part cut
     * off by a crash), and one shorter counts as what it holds; the digest is rebuilt by reading the
     * file. Sessions past the duration limit are removed. Returns how many sessions were restored.
     */
    public synchronized int restore() throws IOException {
        if (files != null) {
            return 0;
        }
        SessionFiles disk = new SessionFiles(store.sessionDir(kind.folder()));
        if (store.shared()) {
            // Other nodes may be writing parts now: sessions are read when a client asks for one
            // (adopt), and abandoned ones are removed by the sweep, never cut back here.
            files = disk;
            return 0;
        }
        int restored = 0;
        int expired = 0;
        long now = now();
        for (SessionFiles.Saved saved : disk.load()) {
            long ageNanos = Math.max(0, wall.millis() - saved.createdAtMillis()) * 1_000_000L;
            if (pastDuration(ageNanos) || sessions.size() >= maxSessions) {
                Files.deleteIfExists(disk.part(saved.id()));
                disk.delete(saved.id());
                expired++;
                continue;
            }
            Upload upload;
            try {
                upload = Upload.resume(disk.part(saved.id()), saved.offset());
            } catch (IOException e) {
                log.warn("cannot reopen the upload {}: {}", saved.id().value(), e.toString());
                Files.deleteIfExists(disk.part(saved.id()));
                disk.delete(saved.id());
                continue;
            }
            ResumableUpload s = new ResumableUpload(saved.id(), saved.room(), saved.type(), upload,
                    now - ageNanos, saved.createdAtMillis(), now, saved.length());
            if (upload.size() != saved.offset()) {
                log.warn("upload {} holds {} bytes, not the {} acknowledged; continuing from {}",
                        saved.id().value(), upload.size(), saved.offset(), upload.size());
                disk.save(s.saved());
            }
            sessions.put(s.id(), s);
            restored++;
        }
        files = disk;
        if (restored > 0 || expired > 0) {
            log.info("{} upload(s) in progress restored from {}, {} expired", restored, disk.dir(), expired);
        }
        return restored;
    }

    private synchronized SessionFiles files() throws IOException {
        if (files == null) {
            restore();
        }
        return files;
    }

    /** The open session with this id, or null. */
    public ResumableUpload find(MediaId id) {
        return sessions.get(id);
    }

    /** Whether sessions may be begun or continued by other nodes (a shared media folder). */
    public boolean shared() {
        return store.shared();
    }

    /**
     * The session with this id: held here, or, in a shared media folder, as that folder has it now (read
     * again when another node began it, moved it on, or finished it); null when there is none. Throws {@link Busy} while another node writes
     * a part of it. Storage executor only.
     */
    public ResumableUpload adopt(MediaId id) throws IOException {
        ResumableUpload s = sessions.get(id);
        if (!store.shared()) {
            return s;
        }
        if (s != null) {
            if (s.busy()) {
                return s; // a part of it is being written here
            }
            SessionFiles.Saved saved = files().read(id);
            if (saved != null && saved.offset() == s.acknowledged()) {
                return s;
            }
            forget(s); // finished, cancelled or moved on by another node
            if (saved == null) {
                return null;
            }
        }
        s = SessionHandover.read(files(), id, now(), wall.millis());
        if (s == null) {
            return null;
        }
        ResumableUpload raced = sessions.putIfAbsent(id, s);
        if (raced != null) {
            s.upload().close();
            return raced;
        }
        log.info("continuing upload {} begun or continued on another server, at offset {}", id.value(), s.offset());
        return s;
    }

    /** Thrown by {@link #adopt} while another node writes a part of the session. */
    public static final class Busy extends IOException {
        Busy() {
            super("another server is writing a part of this upload");
        }
    }

    /** What {@link #enter} found for a claimed session. */
    public enum Entry { CURRENT, BUSY, MOVED, GONE }

    /**
     * Called on the storage executor right after {@link ResumableUpload#claim}: in a shared media folder,
     * locks the part file until the session is released and checks that no other node moved the session
     * on (MOVED, GONE: this copy is forgotten, the next request reads the session again). Alone: CURRENT.
     */
    public Entry enter(ResumableUpload s) throws IOException {
        if (!store.shared()) {
            return Entry.CURRENT;
        }
        SessionHandover.Entry e = SessionHandover.enter(files(), s);
        if (e == SessionHandover.Entry.MOVED || e == SessionHandover.Entry.GONE) {
            forget(s);
        }
        return Entry.valueOf(e.name());
    }

    /** Drops this node's copy of a session another node holds now, keeping its files. */
    private void forget(ResumableUpload s) {
        s.close();
        sessions.remove(s.id(), s);
        clients.remove(s.id());
        s.upload().close();
    }

    /** Forgets the session (finished or rejected) and its sidecar, without touching its data file. */
    public void remove(ResumableUpload s) {
        s.close();
        sessions.remove(s.id(), s);
        clients.remove(s.id());
        if (files != null) {
            files.delete(s.id());
        }
    }

    /** Forgets the session and deletes its file. */
    public void abandon(ResumableUpload s) {
        remove(s);
        s.upload().discard();
    }

    /** Abandons sessions idle for longer than the configured time; returns how many. */
    public int sweep() {
        long cutoff = now() - idleNanos;
        int n = 0;
        boolean shared = store.shared() && files != null;
        long wallCutoff = wall.millis() - idleNanos / 1_000_000L;
        for (ResumableUpload s : sessions.values()) {
            if (shared && files.touchedMillis(s.id()) >= wallCutoff && s.closeIfIdleSince(cutoff)) {
                forget(s); // idle here, but another node wrote a part lately: it holds the session now
                continue;
            }
            if (s.closeIfIdleSince(cutoff)) {
                abandon(s);
                n++;
            }
        }
        if (shared) {
            n += sweepFolder(wallCutoff);
        }
        if (n > 0) {
            log.info("abandoned {} idle recording upload(s)", n);
        }
        return n;
    }

    private long folderSweptAt;

    /**
     * A shared folder: removes sessions no node touched within the idle time (their node may be gone for
     * good), at most once a minute. Not for sessions held here (the loop above decides for those).
     */
    private synchronized int sweepFolder(long wallCutoff) {
        long now = wall.millis();
        if (now - folderSweptAt < 60_000) {
            return 0;
        }
        folderSweptAt = now;
        int n = 0;
        try {
            for (MediaId id : files.untouchedSince(wallCutoff)) {
                if (!sessions.containsKey(id)) {
                    Files.deleteIfExists(files.part(id));
                    files.delete(id);
                    n++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot sweep idle uploads in {}: {}", files.dir(), e.toString());
        }
        return n;
    }

    /** Whether the store's writes succeed (see {@link StorageHealth}). */
    public StorageHealth health() {
        return store.health();
    }

    public int open() {
        return sessions.size();
    }
}
