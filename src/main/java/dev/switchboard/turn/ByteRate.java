package dev.switchboard.turn;

/**
 * A token bucket in bytes per second with one second of burst, for the per-allocation bandwidth quota.
 * Used from the allocation's event loop; a lost update under a rare race only misplaces a few bytes.
 */
final class ByteRate {
    private final long perSecond;
    private long tokens;
    private long last;

    ByteRate(long perSecond, Ticker ticker) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.last = ticker.nanoTime();
    }

    boolean take(int bytes, long now) {
        if (perSecond <= 0) {
            return true;
        }
        long elapsed = Math.min(now - last, 1_000_000_000L);
        if (elapsed > 0) {
            tokens = Math.min(perSecond, tokens + elapsed * perSecond / 1_000_000_000L);
            last = now;
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
