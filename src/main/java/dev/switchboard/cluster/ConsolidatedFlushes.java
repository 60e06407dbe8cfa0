package dev.switchboard.cluster;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Publishes come from every event loop, each a write and a flush on Redis's connection: flushes
 * queued in one pass of that connection's loop leave as one write (fewer system calls here and reads
 * in Redis), without delaying any publish past that pass.
 */
final class ConsolidatedFlushes implements NettyCustomizer {
    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addFirst(new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
}
