package dev.switchboard.media;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The media store: owns every photo file under {@code <data-dir>/media} and every row of the metadata
 * database. A photo becomes visible only once its file is durable (fsync + atomic rename, see
 * {@link ContentFiles}) and its row is written after that; equal bytes are stored once. Work on one
 * digest (install, delete, thumbnail) is serialised by a striped lock, so a delete can never remove a
 * file that a concurrent upload of the same bytes is about to reference.
 * <p>Every method blocks (disk, JDBC): call them on the {@link StorageExecutor}, never on an event loop.
 */
public final class MediaStore implements AutoCloseable {
    private static final int STRIPES = 64;

    private final Path root;
    private final ContentFiles files;
    private final Database database;
    private final MediaRepository rows;
    private final StorageHealth health;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private volatile Reconciliation.Result reconciled;
    private DataDirLock lock;

    private MediaStore(Path root, ContentFiles files, Database database, long minFreeBytes) {
        this.root = root;
        this.files = files;
        this.database = database;
        this.rows = new MediaRepository(database);
        this.health = new StorageHealth(files.tempDir(), minFreeBytes, System::nanoTime);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** {@link #open(Path, String, int, long)} without a free-space reserve (tests). */
    public static MediaStore open(Path dataDir, String databaseUrl, int poolSize) throws IOException {
        return open(dataDir, databaseUrl, poolSize, 0);
    }

    /**
     * Opens the store under {@code dataDir}: creates the directories, removes unfinished uploads and
     * migrates the database ({@code databaseUrl} empty: embedded SQLite; a {@code jdbc:postgresql:} URL:
     * PostgreSQL). New uploads are refused while less than {@code minFreeBytes} are free (negative: the
     * larger of 256 MiB and 1 % of the volume). Call {@link #reconcile} next, before serving.
     */
    public static MediaStore open(Path dataDir, String databaseUrl, int poolSize, long minFreeBytes) throws IOException {
        return open(dataDir, dataDir.resolve("media"), databaseUrl, poolSize, minFreeBytes);
    }

    /**
     * As above with the media folder at {@code root} (e.g. a mount shared by every node of one PostgreSQL
     * database). With PostgreSQL the folder is taken as shared (see {@link #shared()}): start-up sweeps
     * spare what other nodes may be writing.
     */
    public static MediaStore open(Path dataDir, Path root, String databaseUrl, int poolSize, long minFreeBytes)
            throws IOException {
        // The data dir's lock first: a second server on the same data dir stops here instead of sweeping
        // the first one's uploads in progress.
        DataDirLock lock = DataDirLock.acquire(dataDir);
        Database db = null;
        try {
            db = Database.open(dataDir, databaseUrl, poolSize);
            boolean shared = db.kind() == DatabaseKind.POSTGRESQL;
            MediaStore store = new MediaStore(root, new ContentFiles(root, shared ? ContentFiles.SHARED_TEMP_GRACE
                    : java.time.Duration.ZERO), db, minFreeBytes);
            store.lock = lock;
            return store;
        } catch (IOException | RuntimeException e) {
            if (db != null) {
                db.close();
            }
            lock.close();
            throw e;
        }
    }

    /**
     * Removes orphan content files and rows without a file (see {@link Reconciliation}); once, at start,
     * before the listeners open. Logs and keeps both counts for {@code /metrics}.
     */
    public void reconcile() throws IOException {
        try {
            reconciled = Reconciliation.run(root, files, rows,
                    database.kind() == DatabaseKind.POSTGRESQL ? Reconciliation.SHARED_GRACE : java.time.Duration.ZERO);
        } catch (SQLException e) {
            throw new StorageException("cannot reconcile files and rows", e);
        }
    }

    /** Orphan files the start-up reconciliation removed (0 before it ran). */
    public int reconciledOrphanFiles() {
        Reconciliation.Result r = reconciled;
        return r == null ? 0 : r.orphanFiles();
    }

    /** Rows without a file the start-up reconciliation removed (0 before it ran). */
    public int reconciledRowsWithoutFile() {
        Reconciliation.Result r = reconciled;
        return r == null ? 0 : r.rowsWithoutFile();
    }

    /** Whether writes succeed now, and why not (see {@link StorageHealth}). */
    public StorageHealth health() {
        return health;
    }

    /** One probe write while the store is failing (every second from the server; blocking). */
    public void probe() {
        if (!health.writable()) {
            health.probe(rows::ping);
        }
    }

    /**
     * Whether other nodes may use the same media folder at once: true with PostgreSQL (nodes sharing the
     * database share the folder). Then nothing another node may be writing is swept at start, and
     * resumable uploads are read from the folder when another node began them (see ResumableUploads).
     */
    public boolean shared() {
        return database.kind() == DatabaseKind.POSTGRESQL;
    }

    /** Which database holds the rows: "sqlite" or "postgresql". */
    public String databaseKind() {
        return database.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Starts an upload into a new temporary file; refused (507) when free space is below the reserve. */
    public Upload begin() throws IOException {
        health.checkReserve();
        Path temp = files.newTempPath();
        return new Upload(temp, files.createTemp(temp));
    }

    /** What {@link #commit} did: the room's photo, and whether this call created it. */
    public record Stored(Media media, boolean created) {}

    /**
     * Makes a finished upload a photo of {@code room}: installs the file (or drops it when equal content
     * is stored already), then writes the row. The same bytes uploaded to the same room again give the
     * existing photo ({@code created} false); bytes the room holds only as a file for a peer (kind
     * "file") become the photo or recording now uploaded ({@code created} true: now a gallery item).
     */
    public Stored commit(Upload.Written written, String room, MediaType type) throws IOException {
        String sha = written.sha256();
        ReentrantLock lock = stripe(sha);
        lock.lock();
        boolean installed = false;
        try {
            // The file first (a no-op when equal bytes are stored already), then the row.
            installed = files.install(written.upload().temp(), sha, written.size());
            Optional<Media> existing = rows.findInRoom(room, sha);
            if (existing.isPresent()) {
                Media e = existing.get();
                if (e.type() == MediaType.FILE && type != MediaType.FILE && rows.changeType(e.id(), type)) {
                    return new Stored(new Media(e.id(), e.room(), type, e.size(), e.sha256(), e.createdAt()), true);
                }
                return new Stored(e, false);
            }
            Media m = new Media(MediaId.random(), room, type, written.size(), sha,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS));
            if (rows.insert(m)) {
                health.succeeded();
                return new Stored(m, true);
            }
            // Another process using the same database won the race for this room and digest.
            return new Stored(rows.findInRoom(room, sha).orElseThrow(), false);
        } catch (SQLException e) {
            written.upload().discard();
            if (installed) {
                // This call put the file in place, so no row refers to it (the stripe lock keeps other
                // commits of these bytes out): remove it rather than leave an orphan until the next start.
                try {
                    files.delete(sha);
                } catch (IOException ignored) {
                    // removed by the start-up reconciliation
                }
            }
            throw new StorageException("cannot record the photo", e);
        } finally {
            lock.unlock();
        }
    }

    /** Photos of {@code room}, newest first, at most {@code limit}, older than {@code before} if given. */
    public List<Media> list(String room, int limit, MediaId before) {
        return list(room, limit, before, MediaKind.PHOTO);
    }

    /** Media of {@code room} of one kind (null: photos and recordings), newest first. */
    public List<Media> list(String room, int limit, MediaId before, MediaKind kind) {
        try {
            return rows.list(room, limit, before, kind);
        } catch (SQLException e) {
            throw new StorageException("cannot list photos", e);
        }
    }

    public Optional<Media> find(MediaId id) {
        try {
            return rows.find(id);
        } catch (SQLException e) {
            throw new StorageException("cannot read photo metadata", e);
        }
    }

    /** The photo's bytes for reading (the caller closes it), or null when the file is gone. */
    public FileChannel open(Media m) throws IOException {
        return files.open(m.sha256());
    }

    /**
     * The photo's JPEG thumbnail for reading, rendered and cached on first use; null when this store
     * cannot render one for the photo (damaged or oversized image): serve the original instead.
     */
    public FileChannel thumbnail(Media m) throws IOException {
        if (!m.type().photo()) {
            return null; // no video decoder here, and files are not images: the original is served
        }
        Path thumb = files.thumbnailPath(m.sha256());
        if (Files.exists(thumb)) {
            return FileChannel.open(thumb);
        }
        byte[] jpeg;
        try (FileChannel src = files.open(m.sha256())) {
            if (src == null) {
                return null;
            }
            jpeg = Thumbnails.render(src, m.type());
        }
        if (jpeg == null) {
            return null;
        }
        ReentrantLock lock = stripe(m.sha256());
        lock.lock();
        try {
            if (!Files.exists(files.path(m.sha256()))) {
                return null; // deleted meanwhile: do not leave an orphan thumbnail
            }
            try {
                files.writeAtomically(thumb, jpeg);
            } catch (IOException e) {
                return null; // disk full or failing: the cache is best effort, the original is served (a read)
            }
            return FileChannel.open(thumb);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the photo's row; its file and thumbnail go too once no room refers to the bytes. Returns
     * the deleted photo, or empty when there was none.
     */
    public Optional<Media> delete(MediaId id) {
        try {
            Optional<Media> found = rows.find(id);
            if (found.isEmpty()) {
                return found;
            }
            String sha = found.get().sha256();
            ReentrantLock lock = stripe(sha);
            lock.lock();
            try {
                if (!rows.delete(id)) {
                    return Optional.empty();
                }
                // The row is gone durably (autocommit); the file goes next. A crash in between leaves an
                // orphan file, which the start-up reconciliation removes; never a row without a file.
                health.succeeded();
                if (rows.references(sha) == 0) {
                    try {
                        files.delete(sha);
                    } catch (IOException e) {
                        health.failed(e); // the delete stands; the file is an orphan until the next start
                    }
                }
                return found;
            } finally {
                lock.unlock();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot delete the photo", e);
        }
    }

    /** Photos created before {@code cutoff}, oldest first, at most {@code limit} (retention). */
    public List<MediaId> createdBefore(java.time.Instant cutoff, int limit) {
        try {
            return rows.createdBefore(cutoff, limit);
        } catch (SQLException e) {
            throw new StorageException("cannot list expired photos", e);
        }
    }

    /** Media of one kind created before {@code cutoff}, oldest first. */
    public List<MediaId> createdBefore(java.time.Instant cutoff, int limit, MediaKind kind) {
        try {
            return rows.createdBefore(cutoff, limit, kind);
        } catch (SQLException e) {
            throw new StorageException("cannot list expired media", e);
        }
    }

    /** Rooms storing more than {@code bytes}. */
    public List<String> roomsOver(long bytes) {
        try {
            return rows.roomsOver(bytes);
        } catch (SQLException e) {
            throw new StorageException("cannot sum room usage", e);
        }
    }

    /** A room's photos, oldest first. */
    public List<Media> oldestFirst(String room, int limit) {
        try {
            return rows.oldestFirst(room, limit);
        } catch (SQLException e) {
            throw new StorageException("cannot list photos", e);
        }
    }

    /** Bytes a room stores (each photo counted once per room). */
    public long roomBytes(String room) {
        try {
            return rows.roomBytes(room);
        } catch (SQLException e) {
            throw new StorageException("cannot sum room usage", e);
        }
    }

    /** Rows in the database (all rooms). */
    public long count() {
        try {
            return rows.count();
        } catch (SQLException e) {
            throw new StorageException("cannot count photos", e);
        }
    }

    /** The folder holding uploads in progress (for tests: it is empty when nothing is uploading). */
    public Path temporaryFiles() {
        return files.tempDir();
    }

    /** The folder of resumable upload sessions of one kind (created if missing; see {@link SessionFiles}). */
    Path sessionDir(String kind) throws IOException {
        return files.sessionDir(kind);
    }

    /** The share inbox folder {@code media/inbox} (created if missing; see {@link ShareInbox}). */
    Path inboxDir() throws IOException {
        return files.sessionDirUnder("inbox");
    }

    /** Starts an upload into {@code file}, a new file in a session folder (refused below the reserve). */
    Upload beginAt(Path file) throws IOException {
        health.checkReserve();
        return new Upload(file, files.createTemp(file));
    }

    /** The folder holding every kind of resumable upload session (for tests: empty files when idle). */
    public Path uploadSessionFiles() {
        return files.uploadsDir();
    }

    /** Where the content with this digest is stored (for tests and tools; the API never needs it). */
    public Path contentPath(String sha256) {
        return files.path(sha256);
    }

    private ReentrantLock stripe(String sha256) {
        return stripes[Integer.parseInt(sha256.substring(0, 2), 16) % STRIPES];
    }

    @Override
    public void close() {
        database.close();
        if (lock != null) {
            lock.close();
        }
    }
}
