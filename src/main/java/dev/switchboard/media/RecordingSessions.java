package dev.switchboard.media;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording uploads in progress, kept in memory (their temporary files live in the store's
 * temporary folder, which is swept at start, so a restart drops them together). A session idle for
 * longer than the configured time is abandoned and its file removed by {@link #sweep}, which runs
 * whenever a session is created or finished. {@link #create}, {@link #sweep} and {@link #abandon}
 * block (files): storage executor only.
 */
public final class RecordingSessions {
    private static final Logger log = LoggerFactory.getLogger(RecordingSessions.class);

    private final MediaStore store;
    private final long maxBytes;
    private final long idleNanos;
    private final Duration maxDuration;
    private final int maxSessions;
    private final LongSupplier clock;
    private final Map<MediaId, RecordingSession> sessions = new ConcurrentHashMap<>();

    /** The longest recording session allowed when none is configured. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(2);
    /** The most time a session gets past its duration limit, for parts recorded just before it. */
    static final Duration MAX_GRACE = Duration.ofSeconds(30);

    public RecordingSessions(MediaStore store, long maxBytes, Duration idle, int maxSessions, LongSupplier nanoClock) {
        this(store, maxBytes, idle, DEFAULT_MAX_DURATION, maxSessions, nanoClock);
    }

    /** {@code maxDuration} zero: sessions may last any time (only idle ones are dropped). */
    public RecordingSessions(MediaStore store, long maxBytes, Duration idle, Duration maxDuration, int maxSessions,
                             LongSupplier nanoClock) {
        this.maxDuration = maxDuration;
        this.store = store;
        this.maxBytes = maxBytes;
        this.idleNanos = idle.toNanos();
        this.maxSessions = maxSessions;
        this.clock = nanoClock;
    }

    /** The largest recording accepted, in bytes. */
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
    public boolean pastDuration(RecordingSession s) {
        if (maxDuration.isZero()) {
            return false;
        }
        long limit = maxDuration.toNanos();
        long grace = Math.min(MAX_GRACE.toNanos(), limit / 2);
        return now() - s.started() > limit + grace;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** A new session for {@code room}, or null when too many are open. */
    public RecordingSession create(String room, ImageType type) throws IOException {
        sweep();
        if (sessions.size() >= maxSessions) {
            return null;
        }
        RecordingSession s = new RecordingSession(MediaId.random(), room, type, store.begin(), now());
        sessions.put(s.id(), s);
        return s;
    }

    /** The open session with this id, or null. */
    public RecordingSession find(MediaId id) {
        return sessions.get(id);
    }

    /** Forgets the session (finished or rejected) without touching its file. */
    public void remove(RecordingSession s) {
        s.close();
        sessions.remove(s.id(), s);
    }

    /** Forgets the session and deletes its file. */
    public void abandon(RecordingSession s) {
        remove(s);
        s.upload().discard();
    }

    /** Abandons sessions idle for longer than the configured time; returns how many. */
    public int sweep() {
        long cutoff = now() - idleNanos;
        int n = 0;
        for (RecordingSession s : sessions.values()) {
            if (s.closeIfIdleSince(cutoff)) {
                abandon(s);
                n++;
            }
        }
        if (n > 0) {
            log.info("abandoned {} idle recording upload(s)", n);
        }
        return n;
    }

    public int open() {
        return sessions.size();
    }
}
