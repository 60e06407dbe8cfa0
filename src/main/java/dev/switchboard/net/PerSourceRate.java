package dev.switchboard.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per client source, for things one client may start or get only so often (new Engine.IO
 * sessions; TURN's unauthenticated answers, where the source may be spoofed): {@code burst} at once,
 * then {@code rate} a second. A source is one IPv4 address or one IPv6
 * /64 (what one host or one home network is given). Each bucket is one long, a GCRA "theoretical
 * arrival time"; buckets that have refilled completely are the same as none and are dropped, at most
 * once a second, when the table is full. The table holds at most {@code maxSources}; past it every new
 * source shares one overflow bucket, so a flood from many addresses cannot grow it. Thread-safe; meant
 * for events that are rare next to packets (handshakes), not for the data path.
 */
public final class PerSourceRate {
    private static final long SWEEP_EVERY = 1_000_000_000L;

    private final long interval;
    private final long tolerance;
    private final int maxSources;
    private final Map<Long, long[]> v4 = new HashMap<>();
    private final Map<Long, long[]> v6 = new HashMap<>();
    private final long[] overflow = {Long.MIN_VALUE};
    private long lastSweep = Long.MIN_VALUE;

    /**
     * @param ratePerSecond events a second per source once the burst is spent
     * @param burst         events a source may start at once
     * @param maxSources    sources tracked one by one
     */
    public PerSourceRate(int ratePerSecond, int burst, int maxSources) {
        if (ratePerSecond < 1 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("rate, burst and table size must be positive");
        }
        this.interval = 1_000_000_000L / ratePerSecond;
        this.tolerance = interval * (burst - 1);
        this.maxSources = maxSources;
    }

    /** True (and one token taken) when {@code source} may start one more at {@code now} (nanoseconds). */
    public synchronized boolean take(InetAddress source, long now) {
        byte[] a = source.getAddress();
        boolean four = source instanceof Inet4Address;
        Map<Long, long[]> table = four ? v4 : v6;
        long key = prefix(a, four ? 4 : 8);
        long[] tat = table.get(key);
        if (tat == null) {
            if (v4.size() + v6.size() >= maxSources) {
                sweepWhenFull(now);
            }
            if (v4.size() + v6.size() >= maxSources) {
                return conform(overflow, now);
            }
            tat = new long[] {Long.MIN_VALUE};
            table.put(key, tat);
        }
        return conform(tat, now);
    }

    /** Whole seconds until {@code source} may start one more (at least 1), for Retry-After. */
    public synchronized long retryAfterSeconds(InetAddress source, long now) {
        boolean four = source instanceof Inet4Address;
        long[] tat = (four ? v4 : v6).get(prefix(source.getAddress(), four ? 4 : 8));
        long t = tat == null ? overflow[0] : tat[0];
        long wait = t == Long.MIN_VALUE ? 0 : t - tolerance - now;
        return Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
    }

    private boolean conform(long[] tat, long now) {
        long t = tat[0] == Long.MIN_VALUE || tat[0] - now < 0 ? now : tat[0];
        if (t - now > tolerance) {
            return false;
        }
        tat[0] = t + interval;
        return true;
    }

    /** When the table is full: drops the refilled buckets, at most once a second. */
    private void sweepWhenFull(long now) {
        if (lastSweep != Long.MIN_VALUE && now - lastSweep < SWEEP_EVERY) {
            return;
        }
        sweep(now);
    }

    /** Drops the buckets that have refilled completely (the same as none); a caller with a ticker may call it about once a second. */
    public synchronized void sweep(long now) {
        lastSweep = now;
        v4.values().removeIf(tat -> tat[0] - now <= 0);
        v6.values().removeIf(tat -> tat[0] - now <= 0);
    }

    /** Sources tracked one by one right now. */
    public synchronized int sources() {
        return v4.size() + v6.size();
    }

    private static long prefix(byte[] a, int bytes) {
        long k = 0;
        for (int i = 0; i < bytes; i++) {
            k = k << 8 | (a[i] & 0xFF);
        }
        return k;
    }
}
