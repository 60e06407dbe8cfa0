package dev.switchboard.net;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Placement#PACKED}: new connections go in turn to the first {@code open} loops only. Once a
 * window, the CPU time of the open loops' threads says how busy they were: busier than {@code busy} on
 * average for {@code patience} windows in a row opens the next loop, idler than {@code idle} closes
 * the last one (its connections stay where they are). Starts with one loop open.
 */
final class PackedChooser implements EventExecutorChooserFactory {
    private static final Logger log = LoggerFactory.getLogger(PackedChooser.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long windowNanos;
    private final double busy;
    private final double idle;
    private final int patience;

    PackedChooser(long window, TimeUnit unit, double busy, double idle, int patience) {
        this.windowNanos = unit.toNanos(window);
        this.busy = busy;
        this.idle = idle;
        this.patience = patience;
    }

    /** Whether this JVM reports threads' CPU time, which packing needs to see load. */
    static boolean supported() {
        return THREADS.isThreadCpuTimeSupported();
    }

    private static long percent(double share) {
        return Math.round(share * 100);
    }

    @Override
    public EventExecutorChooser newChooser(EventExecutor[] executors) {
        return new Chooser(executors);
    }

    final class Chooser implements EventExecutorChooser {
        private final EventExecutor[] loops;
        private final AtomicLongArray threadIds;
        private final long[] cpuAtLastLook;
        private final AtomicInteger turn = new AtomicInteger();
        private volatile int open = 1;
        private long lastLook;
        private int busyWindows;
        private int idleWindows;

        Chooser(EventExecutor[] loops) {
            this.loops = loops;
            this.threadIds = new AtomicLongArray(loops.length);
            this.cpuAtLastLook = new long[loops.length];
            for (int i = 0; i < loops.length; i++) {
                int n = i;
                loops[i].execute(() -> threadIds.set(n, Thread.currentThread().getId()));
            }
            lastLook = System.nanoTime();
            // Not on a loop of the group: a loop kept busy must not delay the look that opens another.
            Future<?> looking = GlobalEventExecutor.INSTANCE.scheduleAtFixedRate(this::look, windowNanos, windowNanos,
                    TimeUnit.NANOSECONDS);
            loops[0].terminationFuture().addListener(f -> looking.cancel(false));
        }

        @Override
        public EventExecutor next() {
            int k = open;
            return k == 1 ? loops[0] : loops[(turn.getAndIncrement() & Integer.MAX_VALUE) % k];
        }

        /** Once a window: opens or closes a loop when the load has said so long enough. */
        private void look() {
            long now = System.nanoTime();
            long elapsed = now - lastLook;
            lastLook = now;
            int k = open;
            double sum = 0;
            for (int i = 0; i < loops.length; i++) {
                long id = threadIds.get(i);
                long cpu = id == 0 ? 0 : Math.max(0, THREADS.getThreadCpuTime(id));
                if (i < k && elapsed > 0) {
                    sum += (double) (cpu - cpuAtLastLook[i]) / elapsed;
                }
                cpuAtLastLook[i] = cpu;
            }
            double average = sum / k;
            busyWindows = average > busy ? busyWindows + 1 : 0;
            idleWindows = average < idle ? idleWindows + 1 : 0;
            if (busyWindows >= patience && k < loops.length) {
                open = k + 1;
                busyWindows = 0;
                log.info("new connections now go to {} of {} event loops (busy {} %)", k + 1, loops.length, percent(average));
            } else if (idleWindows >= patience && k > 1) {
                open = k - 1;
                idleWindows = 0;
                log.info("new connections now go to {} of {} event loops (busy {} %)", k - 1, loops.length, percent(average));
            }
        }
    }
}
