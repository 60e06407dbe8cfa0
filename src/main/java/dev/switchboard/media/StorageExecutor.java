package dev.switchboard.media;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool that runs the media store's blocking work (files, JDBC, image decoding) off the
 * network event loops. A fixed number of threads and a fixed queue: when both are full,
 * {@link #execute} throws {@link RejectedExecutionException} and the API answers 503.
 */
public final class StorageExecutor implements Executor, AutoCloseable {
    private final ThreadPoolExecutor pool;

    public StorageExecutor(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "sb-storage-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs {@code task} on a storage thread; throws {@link RejectedExecutionException} when saturated. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Tasks waiting for a thread. */
    public int queued() {
        return pool.getQueue().size();
    }

    /** Lets queued work finish (bounded wait), then stops the threads. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
