package dev.switchboard.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The atomic join, run by EVALSHA (loaded again after a Redis restart flushed it): add the member when
 * the room has fewer than capacity members (or already holds it), record it in the node's set, and
 * answer the room's whole membership; answer nil when full.
 */
final class JoinScript {
    static final String SOURCE = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return {}
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[4])
            return redis.call('HGETALL', KEYS[1])
            """;

    private final String sha;

    JoinScript(String sha) {
        this.sha = sha;
    }

    /** Member id to {@code NODE\nNAME} as the hash holds them; null when the room is full. */
    CompletableFuture<List<Object>> run(RedisAsyncCommands<String, byte[]> redis, String membersKey, String nodeMembersKey,
            String member, byte[] value, int capacity, byte[] entry) {
        String[] keys = {membersKey, nodeMembersKey};
        byte[][] args = {RedisKeys.utf8(member), value, RedisKeys.utf8(Integer.toString(capacity)), entry};
        CompletableFuture<List<Object>> first = redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                return redis.scriptLoad(SOURCE).toCompletableFuture()
                        .thenCompose(s -> redis.<List<Object>>evalsha(s, ScriptOutputType.MULTI, keys, args).toCompletableFuture());
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
