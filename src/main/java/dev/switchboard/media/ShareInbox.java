package dev.switchboard.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's short-lived inbox for files shared to the app (Web Share Target) when no service worker
 * took them: {@code <data-dir>/media/inbox/<id>/} holds the files as {@code 0, 1, ...} and, once the
 * share is complete, {@code share.json} (written atomically) naming them. A share is kept until the
 * share page takes it or {@code ttl} passes; all shares together stay under {@code quotaBytes} and
 * {@code maxShares}. A folder without {@code share.json} is a share still arriving, or one cut off: it
 * is removed at start and once older than the ttl.
 * <p>Every method blocks (files): storage executor, or start-up.
 */
public final class ShareInbox {
    private static final Logger log = LoggerFactory.getLogger(ShareInbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String META = "share.json";

    /** One shared file: its index in the share, the name and type the browser gave, its size. */
    public record SharedFile(int index, String name, String type, long size) {}

    /** A complete share. */
    public record Share(MediaId id, long createdAtMillis, String title, String text, String url,
                        List<SharedFile> files) {}

    /** Thrown by {@link #begin} and {@link Draft#reserve} when the inbox has no room for more. */
    public static final class Full extends Exception {
        public Full(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final long quotaBytes;
    private final int maxShares;
    private final Duration ttl;
    private final Clock clock;
    private long reserved; // bytes of shares still arriving
    private long stored; // bytes of complete shares
    private final StorageHealth health;

    /** Whether the store's writes succeed (see {@link StorageHealth}). */
    public StorageHealth health() {
        return health;
    }

    /** Opens the inbox folder of {@code store}, removing shares cut off by a stop and expired ones. */
    public ShareInbox(MediaStore store, long quotaBytes, int maxShares, Duration ttl, Clock clock) throws IOException {
        this.dir = store.inboxDir();
        this.health = store.health();
        this.quotaBytes = quotaBytes;
        this.maxShares = maxShares;
        this.ttl = ttl;
        this.clock = clock;
        // A folder still arriving is another node's when the media folder is shared: the ttl sweep takes
        // it if it never completes.
        if (!store.shared()) {
            try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
                for (Path p : all) {
                    if (!Files.exists(p.resolve(META))) {
                        deleteTree(p);
                    }
                }
            }
        }
        sweep();
        stored = computeStored();
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new share being received; {@link Full} when too many shares are waiting. */
    public synchronized Draft begin() throws IOException, Full {
        health.checkReserve();
        sweep();
        int count = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path ignored : all) {
                count++;
            }
        }
        if (count >= maxShares) {
            throw new Full("too many shares are waiting to be taken to a room");
        }
        MediaId id = MediaId.random();
        Path folder = dir.resolve(id.value());
        Files.createDirectory(folder);
        return new Draft(id, folder);
    }

    /** A share being written: files appended one at a time, then {@link #commit} or {@link #discard}. */
    public final class Draft {
        private final MediaId id;
        private final Path folder;
        private final List<SharedFile> files = new ArrayList<>();
        private FileChannel current;
        private long size;
        private long held;
        private boolean done;

        private Draft(MediaId id, Path folder) {
            this.id = id;
            this.folder = folder;
        }

        public MediaId id() {
            return id;
        }

        /** Starts the next file. */
        public void newFile(String name, String type) throws IOException {
            closeCurrent();
            int index = files.size();
            current = FileChannel.open(folder.resolve(Integer.toString(index)), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            files.add(new SharedFile(index, name, type, 0));
            size = 0;
        }

        /** Appends to the current file, within the inbox quota; {@link Full} when it would go past it. */
        public void write(ByteBuffer bytes) throws IOException, Full {
            int n = bytes.remaining();
            synchronized (ShareInbox.this) {
                if (stored + reserved + n > quotaBytes) {
                    throw new Full("the share inbox is full; try again later");
                }
                reserved += n;
                held += n;
            }
            while (bytes.hasRemaining()) {
                current.write(bytes);
            }
            size += n;
        }

        private void closeCurrent() throws IOException {
            if (current != null) {
                current.force(true);
                current.close();
                current = null;
                SharedFile f = files.get(files.size() - 1);
                files.set(files.size() - 1, new SharedFile(f.index(), f.name(), f.type(), size));
            }
        }

        /** Makes the share visible to {@link #find}. */
        public Share commit(String title, String text, String url) throws IOException {
            closeCurrent();
            Share s = new Share(id, clock.millis(), title, text, url, List.copyOf(files));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", id.value());
            o.put("createdAt", s.createdAtMillis());
            o.put("title", title);
            o.put("text", text);
            o.put("url", url);
            List<Map<String, Object>> list = new ArrayList<>();
            for (SharedFile f : files) {
                list.add(Map.of("name", f.name(), "type", f.type(), "size", f.size()));
            }
            o.put("files", list);
            Path temp = folder.resolve(META + ".new");
            Files.write(temp, JSON.writeValueAsBytes(o));
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(temp, folder.resolve(META), StandardCopyOption.ATOMIC_MOVE);
            ContentFiles.fsyncDirectory(folder);
            release(true);
            health.succeeded();
            return s;
        }

        /** Drops the share and its files; safe to call more than once. */
        public void discard() {
            try {
                if (current != null) {
                    current.close();
                    current = null;
                }
            } catch (IOException ignored) {
                // deleting it next
            }
            release(false);
            deleteTree(folder);
        }

        private void release(boolean kept) {
            if (!done) {
                done = true;
                synchronized (ShareInbox.this) {
                    reserved -= held;
                    if (kept) {
                        stored += held;
                    }
                }
            }
        }
    }

    /** The complete, unexpired share with this id. */
    public Optional<Share> find(MediaId id) {
        return read(id).filter(s -> !expired(s.createdAtMillis()));
    }

    /** The complete share with this id, expired or not. */
    private Optional<Share> read(MediaId id) {
        Path meta = dir.resolve(id.value()).resolve(META);
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            JsonNode j = JSON.readTree(Files.readAllBytes(meta));
            long created = j.path("createdAt").asLong();
            List<SharedFile> files = new ArrayList<>();
            int i = 0;
            for (JsonNode f : j.path("files")) {
                files.add(new SharedFile(i++, f.path("name").asText(""), f.path("type").asText(""),
                        f.path("size").asLong()));
            }
            return Optional.of(new Share(id, created, j.path("title").asText(""), j.path("text").asText(""),
                    j.path("url").asText(""), files));
        } catch (IOException e) {
            log.warn("cannot read the share {}: {}", id.value(), e.toString());
            return Optional.empty();
        }
    }

    /** A file of a share for reading (the caller closes it), or null when there is none. */
    public FileChannel open(MediaId id, int index) throws IOException {
        Optional<Share> s = find(id);
        if (s.isEmpty() || index < 0 || index >= s.get().files().size()) {
            return null;
        }
        return FileChannel.open(dir.resolve(id.value()).resolve(Integer.toString(index)));
    }

    /** Removes a complete share; false when there was none. */
    public boolean delete(MediaId id) {
        Optional<Share> s = read(id);
        Path folder = dir.resolve(id.value());
        if (!Files.exists(folder.resolve(META))) {
            return false;
        }
        deleteTree(folder);
        synchronized (this) {
            stored -= s.map(ShareInbox::bytes).orElse(0L);
        }
        return true;
    }

    private static long bytes(Share s) {
        return s.files().stream().mapToLong(SharedFile::size).sum();
    }

    /** Removes shares older than the ttl (complete or not); returns how many. */
    public synchronized int sweep() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                Path meta = p.resolve(META);
                long created;
                long size = 0;
                if (Files.exists(meta)) {
                    MediaId id = MediaId.parse(p.getFileName().toString());
                    Optional<Share> s = id == null ? Optional.empty() : read(id);
                    created = s.map(Share::createdAtMillis).orElse(0L);
                    size = s.map(ShareInbox::bytes).orElse(0L);
                } else {
                    created = Files.getLastModifiedTime(p).toMillis();
                }
                if (expired(created)) {
                    deleteTree(p);
                    stored -= size;
                    n++;
                }
            }
        }
        return n;
    }

    private boolean expired(long createdAtMillis) {
        return clock.millis() - createdAtMillis > ttl.toMillis();
    }

    /** Bytes of complete shares, counted from their descriptions (at start). */
    private long computeStored() {
        long total = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                MediaId id = MediaId.parse(p.getFileName().toString());
                if (id != null) {
                    total += read(id).map(ShareInbox::bytes).orElse(0L);
                }
            }
        } catch (IOException e) {
            return Long.MAX_VALUE / 2;
        }
        return total;
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", p, e.toString());
        }
    }
}
