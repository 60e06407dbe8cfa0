package dev.switchboard.signaling.engineio;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread a session runs on: one event loop at a time, which the session may change (so that a
 * room's sessions share a loop and relay to each other without a hand-over between threads).
 *
 * <p>Work handed in from other threads waits in the session's own queue, drained on its current loop,
 * so it runs in the order it was handed in, across a change of loop too: while the session changes
 * loop the queue is not drained, and afterwards it is drained on the new loop. Code already on the
 * session's loop runs at once when nothing handed in earlier is still waiting.
 */
public final class SessionLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SessionLoop.class);

    private final Queue<Runnable> queue = PlatformDependent.newMpscQueue();
    /** Hand-ins not yet accounted for by a drain; above zero, exactly one drain is queued or running. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Runnable drain = this::drain;
    private volatile EventExecutor loop;
    private volatile boolean moving;
    /** A drain stopped for a change of loop, to go on when it is done; guarded by this. */
    private boolean parked;
    /** A task of the queue is running (read and written on the current loop's thread only). */
    private boolean draining;

    public SessionLoop(EventExecutor loop) {
        this.loop = loop;
    }

    /** The event loop the session runs on now. */
    public EventExecutor current() {
        return loop;
    }

    /** Whether the caller may act for the session now, in order: on its loop, with nothing waiting. */
    public boolean inEventLoop() {
        return !moving && loop.inEventLoop() && (draining || pending.get() == 0);
    }

    /** Runs {@code task} on the session's loop after everything handed in before it. */
    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        if (pending.getAndIncrement() == 0) {
            loop.execute(drain);
        }
    }

    /** Runs {@code task} for the session after the delay (on whichever loop it is on then). */
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
        Timer t = new Timer(task);
        t.future = loop.schedule(t, delay, unit);
        return t;
    }

    public Ticker ticker() {
        return loop.ticker();
    }

    /** On the session's loop: from now on, work waits until {@link #moved} says where to run it. */
    void moving() {
        moving = true;
    }

    /** The change of loop is done (or abandoned, {@code to} then the loop it was on): work goes on there. */
    void moved(EventExecutor to) {
        boolean resume;
        synchronized (this) {
            loop = to;
            moving = false;
            resume = parked;
            parked = false;
        }
        if (resume) {
            to.execute(drain);
        }
    }

    private void drain() {
        EventExecutor l = loop;
        if (!l.inEventLoop()) {
            l.execute(drain); // queued before a change of loop
            return;
        }
        int missed = 1;
        for (;;) {
            for (;;) {
                if ((moving || loop != l) && leave(l)) {
                    return;
                }
                Runnable t = queue.poll();
                if (t == null) {
                    break;
                }
                draining = true;
                try {
                    t.run();
                } catch (Throwable e) {
                    log.warn("session task failed", e);
                } finally {
                    draining = false;
                }
            }
            missed = pending.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** The drain stops on {@code l}: parked while moving, else handed to the new loop. False: go on. */
    private synchronized boolean leave(EventExecutor l) {
        if (moving) {
            parked = true;
            return true;
        }
        if (loop != l) {
            loop.execute(drain);
            return true;
        }
        return false;
    }

    /** A task scheduled for the session; cancelled, it does not run even when its time has come. */
    public final class Timer implements Runnable {
        private final Runnable task;
        private volatile boolean cancelled;
        private volatile boolean ran;
        private Future<?> future;

        private Timer(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (inEventLoop()) {
                fire();
            } else {
                execute(this::fire); // the session changed loop since it was scheduled
            }
        }

        private void fire() {
            if (!cancelled) {
                ran = true;
                task.run();
            }
        }

        public void cancel() {
            cancelled = true;
            future.cancel(false);
        }

        /** Ran or cancelled. */
        public boolean isDone() {
            return ran || cancelled;
        }
    }
}
