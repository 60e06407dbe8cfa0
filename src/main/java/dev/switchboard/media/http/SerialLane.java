package dev.switchboard.media.http;

import dev.switchboard.log.LogLimiter;
import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one upload's tasks one after the other, in order, on the shared storage executor, holding at
 * most one of the executor's queue slots at a time. Admission happens once ({@link #start}); a later
 * rejection (the executor filled up mid-upload) is retried shortly from the event loop instead of
 * failing the upload, while the connection stays paused by back-pressure.
 */
final class SerialLane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SerialLane.class);

    private final Executor executor;
    private final EventLoop loop;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialLane(Executor executor, EventLoop loop) {
        this.executor = executor;
        this.loop = loop;
    }

    /** Queues the first task; throws {@link RejectedExecutionException} when the executor is saturated. */
    void start(Runnable first) {
        tasks.add(first);
        scheduled.set(true);
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            tasks.clear();
            scheduled.set(false);
            throw e;
        }
    }

    void submit(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
            retryLater();
        }
    }

    private void retryLater() {
        try {
            loop.schedule(this::schedule, 5, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The server is stopping; what is left is swept from the temporary folder at the next start.
            Runnable t;
            while ((t = tasks.poll()) != null) {
                if (t instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // best effort while stopping
                    }
                }
            }
        }
    }

    @Override
    public void run() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            try {
                t.run();
            } catch (Throwable e) {
                LogLimiter.of(log).warn("task", "media task failed", e);
            }
        }
        scheduled.set(false);
        if (!tasks.isEmpty()) {
            schedule();
        }
    }
}
