package dev.switchboard.turn;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-source token buckets for the answers a UDP listener sends without authentication (Binding
 * successes, 401/438 challenges, 400 and 420 before a key is known): a spoofed source cannot use the
 * server to send more than {@code burst} answers at once and {@code rate} a second after that to its
 * victim. A source is one IPv4 address or one IPv6 /64 (what one host or one home network is given).
 * Each bucket is one long, a GCRA "theoretical arrival time"; a bucket that has refilled completely is
 * the same as none and is dropped by {@link #sweep}. The table holds at most {@code maxSources}
 * buckets; past it (a flood from many spoofed sources) every new source shares one overflow bucket.
 * Never on the relay path: authenticated requests and ChannelData do not come here.
 */
final class AnswerBudget {
    private final long interval;
    private final long tolerance;
    private final int maxSources;
    private final Map<Long, long[]> v4 = new HashMap<>();
    private final Map<Long, long[]> v6 = new HashMap<>();
    private final long[] overflow = {Long.MIN_VALUE};

    /**
     * @param ratePerSecond answers a second per source once the burst is spent
     * @param burst         answers a source may get at once
     */
    AnswerBudget(int ratePerSecond, int burst, int maxSources) {
        if (ratePerSecond < 1 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("rate, burst and table size must be positive");
        }
        this.interval = 1_000_000_000L / ratePerSecond;
        this.tolerance = interval * (burst - 1);
        this.maxSources = maxSources;
    }

    /** True (and one token taken) when {@code source} may be answered at {@code now} (nanoseconds). */
    synchronized boolean take(InetAddress source, long now) {
        byte[] a = source.getAddress();
        Map<Long, long[]> table = source instanceof Inet4Address ? v4 : v6;
        long key = source instanceof Inet4Address ? prefix(a, 4) : prefix(a, 8);
        long[] tat = table.get(key);
        if (tat == null) {
            if (v4.size() + v6.size() >= maxSources) {
                return conform(overflow, now);
            }
            tat = new long[] {Long.MIN_VALUE};
            table.put(key, tat);
        }
        return conform(tat, now);
    }

    private boolean conform(long[] tat, long now) {
        long t = tat[0] == Long.MIN_VALUE || tat[0] < now ? now : tat[0];
        if (t - now > tolerance) {
            return false;
        }
        tat[0] = t + interval;
        return true;
    }

    /** Drops the buckets that have refilled completely; call about once a second. */
    synchronized void sweep(long now) {
        for (Map<Long, long[]> table : java.util.List.of(v4, v6)) {
            for (Iterator<long[]> it = table.values().iterator(); it.hasNext(); ) {
                if (it.next()[0] <= now) {
                    it.remove();
                }
            }
        }
    }

    synchronized int sources() {
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
