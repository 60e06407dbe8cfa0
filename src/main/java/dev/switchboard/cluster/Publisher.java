package dev.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * The connection every publish of this node leaves on (plain ones, the leave script's, the boxed sends of
 * {@link SendTransaction}), so that each sender's messages, joins and leaves reach Redis in the order they
 * were made. The event loops publish at once, and Lettuce writes a batch of commands one by one: under
 * this object's lock a transaction's commands are written with nothing between them (from a loop's own
 * thread they are written at once, from another thread queued in order, both before the lock is let go).
 * Nothing else is written on this connection, and nothing that retries on its own: the leave script goes
 * by EVAL, so a Redis that lost its scripts needs no second command.
 */
final class Publisher {
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisAsyncCommands<String, byte[]> redis;

    Publisher(StatefulRedisConnection<String, byte[]> connection) {
        this.connection = connection;
        this.redis = connection.async();
    }

    /** SPUBLISH; answers how many nodes received it. */
    synchronized CompletableFuture<Long> publish(String channel, byte[] message) {
        return redis.spublish(channel, message).toCompletableFuture();
    }

    /** One send through {@code boxes}: boxed for each of {@code recipients}, then published. */
    synchronized CompletableFuture<Long> send(SendTransaction boxes, Collection<String> recipients, String channel,
            byte[] message, byte[] room) {
        return boxes.send(connection, recipients, channel, message, room);
    }

    /** A script by its source (EVAL): one command whatever Redis has cached. */
    synchronized CompletableFuture<Long> eval(String source, String[] keys, byte[]... args) {
        return redis.<Long>eval(source, ScriptOutputType.INTEGER, keys, args).toCompletableFuture();
    }

    boolean isOpen() {
        return connection.isOpen();
    }
}
