package dev.switchboard.signaling.socketio;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Parked sessions in this process's memory, by private id; the clock is given (nanoseconds) so tests
 * drive the window. Every operation is atomic per id: a session is claimed, dropped or expired once.
 */
public final class LocalRecoveryStore implements RecoveryStore {
    private record Entry(Parked session, long parkedAt) {}

    private static final CompletableFuture<Parked> NONE = CompletableFuture.completedFuture(null);

    private final Duration window;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> parked = new ConcurrentHashMap<>();

    public LocalRecoveryStore(Duration window, LongSupplier nanoClock) {
        this.window = window;
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
    }

    @Override
    public Duration window() {
        return window;
    }

    @Override
    public void park(Parked session) {
        parked.put(session.pid(), new Entry(session, clock.getAsLong()));
    }

    @Override
    public CompletableFuture<Parked> claim(String pid) {
        Entry e = parked.remove(pid);
        if (e == null) {
            return NONE;
        }
        if (over(e, clock.getAsLong())) {
            e.session().expired();
            return NONE;
        }
        return CompletableFuture.completedFuture(e.session());
    }

    @Override
    public boolean drop(Parked session) {
        Entry e = parked.get(session.pid());
        return e != null && e.session() == session && parked.remove(session.pid(), e);
    }

    @Override
    public boolean expire(String pid) {
        Entry e = parked.get(pid);
        if (e == null) {
            return false;
        }
        if (!over(e, clock.getAsLong())) {
            return true;
        }
        if (parked.remove(pid, e)) {
            e.session().expired();
        }
        return false;
    }

    @Override
    public int size() {
        return parked.size();
    }

    private boolean over(Entry e, long now) {
        return now - e.parkedAt() >= windowNanos;
    }
}
