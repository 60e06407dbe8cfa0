package dev.switchboard.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip times, recorded from many threads without locks: 10 µs buckets up to 100 ms, then 1 ms
 * buckets up to 10 s (anything longer lands in the last bucket).
 */
final class RttHistogram {
    private static final int FINE = 10_000;
    private static final int COARSE = 9_900;
    private final AtomicLongArray counts = new AtomicLongArray(FINE + COARSE);

    void record(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        int bucket;
        if (micros < 100_000) {
            bucket = (int) (micros / 10);
        } else {
            bucket = FINE + (int) Math.min(COARSE - 1, (micros - 100_000) / 1_000);
        }
        counts.incrementAndGet(bucket);
    }

    /**
     * Moves every count out of this histogram into a new one (the interval since the last call), adding
     * them to {@code total} too. A time recorded meanwhile lands in this interval or the next.
     */
    RttHistogram drainInto(RttHistogram total) {
        RttHistogram interval = new RttHistogram();
        for (int i = 0; i < counts.length(); i++) {
            long n = counts.getAndSet(i, 0);
            if (n != 0) {
                interval.counts.set(i, n);
                total.counts.addAndGet(i, n);
            }
        }
        return interval;
    }

    /** Adds {@code other}'s counts to this histogram. */
    void add(RttHistogram other) {
        for (int i = 0; i < counts.length(); i++) {
            long n = other.counts.get(i);
            if (n != 0) {
                counts.addAndGet(i, n);
            }
        }
    }

    long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The upper edge, in microseconds, of the bucket holding quantile {@code q} (0..1); -1 when empty. */
    long percentileMicros(double q) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i < FINE ? (i + 1) * 10L : 100_000L + (i - FINE + 1) * 1_000L;
            }
        }
        return -1;
    }
}
