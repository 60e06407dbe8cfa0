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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk side of resumable upload sessions of one kind: per session, the partial file
 * {@code <id>.part} and a small JSON sidecar {@code <id>.json} with the room, the type, when the
 * session began and the offset last acknowledged to the client. The sidecar is replaced atomically
 * (write a new file, fsync, rename over, fsync the folder: POSIX rename(2)), always after the part
 * file's bytes up to that offset were fsynced, so after a crash the sidecar never claims bytes the
 * disk lost. Sidecars rather than database rows: the partial file and its description live and die on
 * the same disk, which stays true when several servers share one external database.
 * <p>Blocking (files): storage executor, or start-up before the listeners open.
 */
final class SessionFiles {
    private static final Logger log = LoggerFactory.getLogger(SessionFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PART = ".part";
    static final String META = ".json";
    private static final String NEW = ".new";
    private static final int MAX_META_BYTES = 4096;

    /** What a sidecar says about one session. */
    record Saved(MediaId id, String room, MediaType type, long offset, long createdAtMillis, long length) {}

    private final Path dir;

    SessionFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path part(MediaId id) {
        return dir.resolve(id.value() + PART);
    }

    private Path meta(MediaId id) {
        return dir.resolve(id.value() + META);
    }

    /** Replaces the session's sidecar atomically and durably. */
    void save(Saved s) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.id().value());
        o.put("room", s.room());
        o.put("type", s.type().name());
        o.put("offset", s.offset());
        o.put("createdAt", s.createdAtMillis());
        if (s.length() >= 0) {
            o.put("length", s.length());
        }
        byte[] bytes = JSON.writeValueAsBytes(o);
        Path target = meta(s.id());
        Path temp = dir.resolve(s.id().value() + META + NEW);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        ContentFiles.fsyncDirectory(dir);
    }

    /** Removes the session's sidecar (its part file is moved or discarded by the caller). */
    void delete(MediaId id) {
        try {
            Files.deleteIfExists(meta(id));
            Files.deleteIfExists(dir.resolve(id.value() + META + NEW));
        } catch (IOException e) {
            log.warn("cannot remove the upload session file {}: {}", meta(id), e.toString());
        }
    }

    /**
     * The sessions described in the folder. Leftovers that describe no usable session are removed:
     * a part file without a sidecar (the session was finished or never fully created), a sidecar
     * without its part file, a sidecar that cannot be read, a half-written replacement.
     */
    List<Saved> load() throws IOException {
        List<Saved> found = new ArrayList<>();
        List<Path> parts = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(META)) {
                    Saved s = read(f);
                    if (s == null || !Files.isRegularFile(part(s.id()))) {
                        log.warn("dropping upload session file {} ({})", name, s == null ? "unreadable" : "no data");
                        Files.deleteIfExists(f);
                    } else {
                        found.add(s);
                    }
                } else if (name.endsWith(PART)) {
                    parts.add(f);
                } else {
                    Files.deleteIfExists(f); // a replacement sidecar cut off before its rename
                }
            }
        }
        for (Path p : parts) {
            String name = p.getFileName().toString();
            MediaId id = MediaId.parse(name.substring(0, name.length() - PART.length()));
            if (id == null || !Files.exists(meta(id))) {
                Files.deleteIfExists(p);
            }
        }
        return found;
    }

    /** The session's sidecar as it is on disk now, or null when there is none (or it cannot be read). */
    Saved read(MediaId id) {
        return Files.isRegularFile(meta(id)) ? read(meta(id)) : null;
    }

    /** When the session's sidecar was last written (every part ends with that), or -1 when it is gone. */
    long touchedMillis(MediaId id) {
        try {
            return Files.getLastModifiedTime(meta(id)).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Ids of the sessions whose sidecar was last written before {@code cutoffMillis}. */
    List<MediaId> untouchedSince(long cutoffMillis) throws IOException {
        List<MediaId> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + META)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                MediaId id = MediaId.parse(name.substring(0, name.length() - META.length()));
                try {
                    if (id != null && Files.getLastModifiedTime(f).toMillis() < cutoffMillis) {
                        out.add(id);
                    }
                } catch (IOException gone) {
                    // finished meanwhile
                }
            }
        }
        return out;
    }

    private static Saved read(Path f) {
        try {
            if (Files.size(f) > MAX_META_BYTES) {
                return null;
            }
            JsonNode j = JSON.readTree(Files.readAllBytes(f));
            if (j == null) {
                return null;
            }
            MediaId id = MediaId.parse(j.path("id").asText(""));
            String name = f.getFileName().toString();
            if (id == null || !name.equals(id.value() + META) || !j.path("room").isTextual()
                    || !j.path("offset").canConvertToLong() || !j.path("createdAt").canConvertToLong()) {
                return null;
            }
            MediaType type = MediaType.valueOf(j.path("type").asText(""));
            long offset = j.get("offset").asLong();
            long length = j.path("length").canConvertToLong() ? j.get("length").asLong() : -1;
            return offset < 0 ? null
                    : new Saved(id, j.get("room").asText(), type, offset, j.get("createdAt").asLong(), length);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
