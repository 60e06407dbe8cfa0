package dev.switchboard.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store can write right now. A failed write (disk full, reserve reached, I/O error,
 * database unreachable) marks it failing with that kind, which {@code /readyz} reports as 503; the next
 * write that succeeds (an upload, or the {@link #probe} the server runs every second while failing)
 * marks it writable again, with no restart. Each kind of failure is logged at most once a minute, one
 * line, no stack trace; every failure is counted for {@code /metrics}. Thread-safe.
 */
public final class StorageHealth {
    private static final Logger log = LoggerFactory.getLogger(StorageHealth.class);
    /** The reserve when none is configured: the larger of this and 1 % of the volume. */
    public static final long DEFAULT_MIN_FREE_FLOOR = 256L << 20;
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /**
     * The probe passes only with this much free besides the reserve: a disk with a few KiB left takes the
     * probe's 4 KiB but no photo, and the server must not look ready again for that.
     */
    static final long PROBE_FREE_BYTES = 8L << 20;

    private final Path dir;
    private final long minFreeBytes;
    private final LongSupplier nanos;
    private final Map<StorageFailure, AtomicLong> counts = new EnumMap<>(StorageFailure.class);
    private final Map<StorageFailure, AtomicLong> lastLogged = new EnumMap<>(StorageFailure.class);
    private volatile StorageFailure failing;
    private volatile String detail = "";

    /**
     * {@code dir}: a folder on the volume holding the content (free space is measured there and the
     * probe writes there); {@code minFreeBytes} negative: the default reserve.
     */
    StorageHealth(Path dir, long minFreeBytes, LongSupplier nanos) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes >= 0 ? minFreeBytes : defaultReserve(dir);
        this.nanos = nanos;
        for (StorageFailure f : StorageFailure.values()) {
            counts.put(f, new AtomicLong());
            lastLogged.put(f, new AtomicLong(nanos.getAsLong() - LOG_EVERY_NANOS - 1));
        }
    }

    /** The larger of 256 MiB and 1 % of the volume holding {@code dir}. */
    static long defaultReserve(Path dir) {
        try {
            return Math.max(DEFAULT_MIN_FREE_FLOOR, Files.getFileStore(dir).getTotalSpace() / 100);
        } catch (IOException e) {
            return DEFAULT_MIN_FREE_FLOOR;
        }
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** Bytes this process may still write on the content's volume; -1 when it cannot be read. */
    public long freeBytes() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Refuses a new upload (throws RESERVE_REACHED, counted) when free space is below the reserve. */
    void checkReserve() {
        if (minFreeBytes == 0) {
            return;
        }
        long free = freeBytes();
        if (free >= 0 && free < minFreeBytes) {
            StorageException e = new StorageException(StorageFailure.RESERVE_REACHED,
                    "only " + free + " bytes free, the reserve is " + minFreeBytes);
            failed(e);
            throw e;
        }
    }

    /** Records a failed write; logs it when this kind was not logged within the last minute. */
    public StorageFailure failed(Throwable cause) {
        StorageFailure f = StorageFailure.of(cause);
        counts.get(f).incrementAndGet();
        detail = String.valueOf(cause.getMessage());
        failing = f;
        AtomicLong last = lastLogged.get(f);
        long now = nanos.getAsLong();
        long before = last.get();
        if (now - before >= LOG_EVERY_NANOS && last.compareAndSet(before, now)) {
            log.warn("storage: {} ({}); {} bytes free; uploads answer {} until a write succeeds"
                    + " (logged once a minute)", f.reason(), detail, freeBytes(), f.status());
        }
        return f;
    }

    /** Records a successful write: writable again if it was failing. */
    public void succeeded() {
        StorageFailure was = failing;
        if (was != null) {
            failing = null;
            log.info("storage: writable again after {} ({} bytes free)", was.reason(), freeBytes());
        }
    }

    /** The current failure, or null while writes succeed. */
    public StorageFailure failing() {
        return failing;
    }

    public boolean writable() {
        return failing == null;
    }

    /** Failed writes of one kind since start. */
    public long count(StorageFailure f) {
        return counts.get(f).get();
    }

    /** The state for {@code /readyz}: writable, and if not why, with the free bytes and the reserve. */
    public Map<String, Object> state() {
        Map<String, Object> o = new LinkedHashMap<>();
        StorageFailure f = failing;
        o.put("writable", f == null);
        if (f != null) {
            o.put("failure", f.code());
            o.put("reason", f.reason());
            o.put("detail", detail);
        }
        o.put("freeBytes", freeBytes());
        o.put("minFreeBytes", minFreeBytes);
        return o;
    }

    /**
     * A small real write while failing: the reserve and at least {@link #PROBE_FREE_BYTES} free, then 4 KiB
     * written, fsynced and removed in
     * {@code dir}, then {@code database} (a statement on the write connection). Success marks the store
     * writable. Blocking: storage executor.
     */
    void probe(Probe database) {
        Path f = dir.resolve("probe-" + Long.toHexString(nanos.getAsLong()) + ContentFiles.TEMP_SUFFIX);
        try {
            checkReserve();
            long free = freeBytes();
            if (free >= 0 && free < PROBE_FREE_BYTES) {
                return; // still failing; not counted again
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            } finally {
                Files.deleteIfExists(f);
            }
            database.run();
            succeeded();
        } catch (StorageException e) {
            // counted and logged by checkReserve
        } catch (Exception e) {
            failed(e);
        }
    }

    /** The database part of a probe. */
    interface Probe {
        void run() throws Exception;
    }
}
