package dev.switchboard.cluster;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Gives Lettuce the server's own event loops instead of threads of its own: a publish made on the loop
 * that owns the Redis connection is written without a hand-over, and a message read from the
 * subscription reaches that loop's sockets directly. The loops belong to the server, so releasing or
 * shutting down here does nothing; the server closes its Redis client before its loops.
 */
final class SharedLoops implements EventLoopGroupProvider {
    private final EventLoopGroup loops;
    private final int size;

    SharedLoops(EventLoopGroup loops) {
        this.loops = loops;
        int n = 0;
        for (var ignored : loops) {
            n++;
        }
        this.size = n;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        return (T) loops;
    }

    @Override
    public int threadPoolSize() {
        return size;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
