package dev.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The connection every publish of this node leaves on (plain ones, the leave script's, the boxed sends of
 * {@link SendTransaction}), so that each sender's messages, joins and leaves reach Redis in the order they
 * were made; its own client, so that it knows its channel ({@link #afterChannelInitialized}).
 *
 * <p>A transaction is several commands, and Lettuce writes them one at a time: from the channel's own event
 * loop at once, from any other thread as tasks queued to that loop, which may run a few at a time between
 * its reads. A write made on the loop could then land inside another thread's transaction. So every
 * publish is written on the channel's loop, from a task when made elsewhere, and each one whole. Nothing
 * else is written on this connection, and nothing that retries by itself: the leave script goes by EVAL,
 * so a Redis that lost its scripts needs no second command.
 */
final class Publisher implements NettyCustomizer {
    private final ConsolidatedFlushes flushes = new ConsolidatedFlushes();
    private volatile Channel channel;
    private StatefulRedisConnection<String, byte[]> connection;
    private RedisAsyncCommands<String, byte[]> redis;

    /** Once, with the connection made by the client this customises. */
    void connected(StatefulRedisConnection<String, byte[]> connection) {
        this.connection = connection;
        this.redis = connection.async();
    }

    @Override
    public void afterChannelInitialized(Channel channel) {
        flushes.afterChannelInitialized(channel);
        this.channel = channel; // again after each reconnect
    }

    /** SPUBLISH; answers how many nodes received it. */
    CompletableFuture<Long> publish(String channel, byte[] message) {
        return onLoop(() -> redis.spublish(channel, message).toCompletableFuture());
    }

    /** One send through {@code boxes}: boxed for each of {@code recipients}, then published. */
    CompletableFuture<Long> send(SendTransaction boxes, Collection<String> recipients, String channel, byte[] message,
            byte[] room) {
        return onLoop(() -> boxes.send(connection, recipients, channel, message, room));
    }

    /** A script by its source (EVAL): one command whatever Redis has cached. */
    CompletableFuture<Long> eval(String source, String[] keys, byte[]... args) {
        return onLoop(() -> redis.<Long>eval(source, ScriptOutputType.INTEGER, keys, args).toCompletableFuture());
    }

    boolean isOpen() {
        return connection != null && connection.isOpen();
    }

    /** Runs {@code write} on the loop of the connection's channel now (a reconnect may have moved it). */
    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> write) {
        Channel ch = channel;
        EventLoop loop = ch == null ? null : ch.eventLoop();
        if (loop == null || loop.inEventLoop()) {
            return write.get();
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            loop.execute(() -> onLoop(write).whenComplete((v, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else {
                    done.complete(v);
                }
            }));
        } catch (RuntimeException rejected) { // the loop is shutting down
            done.completeExceptionally(rejected);
        }
        return done;
    }
}
