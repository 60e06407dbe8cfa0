package dev.switchboard.log;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings about what clients do (refused requests, failed uploads, handler errors) at most once per
 * interval per kind, so that a flood of bad requests cannot flood the log: the first of a kind is
 * written, the others in the same interval are counted, and the next line of that kind says how many
 * were left out. No stack trace at WARN: a throwable given as the last argument is written as its
 * {@code toString()}; its stack trace goes to DEBUG (off by default). Kinds are the callers' constant
 * keys (never an address or an id), so the table stays as small as the code.
 */
public final class LogLimiter {
    /** How often a kind of warning may be written by the limiters of {@link #of}. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final ConcurrentHashMap<String, LogLimiter> BY_LOGGER = new ConcurrentHashMap<>();

    private final Logger log;
    private final long interval;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

    /** The shared limiter of {@code log} (one a logger), writing each kind at most once per {@link #INTERVAL}. */
    public static LogLimiter of(Logger log) {
        return BY_LOGGER.computeIfAbsent(log.getName(), n -> new LogLimiter(log, INTERVAL));
    }

    public LogLimiter(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    LogLimiter(Logger log, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.interval = interval.toNanos();
        this.clock = nanoClock;
    }

    /** One warning of kind {@code key}, unless one was written less than an interval ago (then it is counted). */
    public void warn(String key, String format, Object... args) {
        if (!log.isWarnEnabled()) {
            return;
        }
        Throwable cause = args.length > 0 && args[args.length - 1] instanceof Throwable t ? t : null;
        long left;
        Kind kind = kinds.computeIfAbsent(key, k -> new Kind());
        synchronized (kind) {
            long now = clock.getAsLong();
            if (kind.written && now - kind.last < interval) {
                kind.suppressed++;
                return;
            }
            kind.written = true;
            kind.last = now;
            left = kind.suppressed;
            kind.suppressed = 0;
        }
        Object[] plain = cause == null ? args : Arrays.copyOf(args, args.length - 1);
        StringBuilder f = new StringBuilder(format);
        int extra = (cause != null ? 1 : 0) + (left > 0 ? 2 : 0);
        Object[] all = Arrays.copyOf(plain, plain.length + extra);
        int i = plain.length;
        if (cause != null) {
            f.append(": {}");
            all[i++] = cause.toString();
        }
        if (left > 0) {
            f.append(" ({} more like this in the {} before)");
            all[i++] = left;
            all[i] = Duration.ofNanos(interval);
        }
        log.warn(f.toString(), all);
        if (cause != null && log.isDebugEnabled()) {
            log.debug("stack trace of the warning above", cause);
        }
    }

    private static final class Kind {
        boolean written;
        long last;
        long suppressed;
    }
}
