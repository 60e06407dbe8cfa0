package dev.switchboard.media;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention policy, applied by a periodic sweep on the storage executor: photos older than
 * {@code maxAge} are deleted, and a room storing more than {@code roomQuotaBytes} loses its oldest
 * photos until it fits; files kept for peers without a direct path go after {@code fileMaxAge}. Each
 * deletion of a gallery item is announced to the room as {@code media-removed}. Zero turns a rule off.
 */
public final class MediaRetention implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(MediaRetention.class);
    private static final int BATCH = 500;

    private final MediaStore store;
    private final Duration maxAge;
    private final long roomQuotaBytes;
    private final Clock clock;
    private final BiConsumer<String, Map<String, Object>> removed;
    private final Duration fileMaxAge;

    public MediaRetention(MediaStore store, Duration maxAge, long roomQuotaBytes, Clock clock,
                          BiConsumer<String, Map<String, Object>> removed) {
        this(store, maxAge, roomQuotaBytes, clock, removed, Duration.ZERO);
    }

    public MediaRetention(MediaStore store, Duration maxAge, long roomQuotaBytes, Clock clock,
                          BiConsumer<String, Map<String, Object>> removed, Duration fileMaxAge) {
        this.fileMaxAge = fileMaxAge;
        this.store = store;
        this.maxAge = maxAge;
        this.roomQuotaBytes = roomQuotaBytes;
        this.clock = clock;
        this.removed = removed;
    }

    public boolean enabled() {
        return !maxAge.isZero() || roomQuotaBytes > 0 || !fileMaxAge.isZero();
    }

    /** One sweep; returns how many photos it deleted. */
    public int sweep() {
        int deleted = 0;
        if (!fileMaxAge.isZero()) {
            List<MediaId> expired;
            do {
                expired = store.createdBefore(clock.instant().minus(fileMaxAge), BATCH, MediaKind.FILE);
                for (MediaId id : expired) {
                    deleted += delete(id);
                }
            } while (expired.size() == BATCH);
        }
        if (!maxAge.isZero()) {
            List<MediaId> expired;
            do {
                expired = store.createdBefore(clock.instant().minus(maxAge), BATCH);
                for (MediaId id : expired) {
                    deleted += delete(id);
                }
            } while (expired.size() == BATCH);
        }
        if (roomQuotaBytes > 0) {
            for (String room : store.roomsOver(roomQuotaBytes)) {
                long used = store.roomBytes(room);
                for (Media m : store.oldestFirst(room, BATCH)) {
                    if (used <= roomQuotaBytes) {
                        break;
                    }
                    deleted += delete(m.id());
                    used -= m.size();
                }
            }
        }
        if (deleted > 0) {
            log.info("retention removed {} photo(s)", deleted);
        }
        return deleted;
    }

    private int delete(MediaId id) {
        return store.delete(id).map(m -> {
            if (!m.type().equals(MediaType.FILE)) { // files were never gallery items
                removed.accept(m.room(), Map.of("id", id.value(), "room", m.room()));
            }
            return 1;
        }).orElse(0);
    }

    @Override
    public void run() {
        try {
            sweep();
        } catch (RuntimeException e) {
            if (StorageFailure.isStorage(e)) {
                store.health().failed(e); // one line a minute, no stack trace; runs again next interval
            } else {
                log.warn("retention sweep failed; it runs again at the next interval", e);
            }
        }
    }
}
