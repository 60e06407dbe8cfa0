package dev.switchboard.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script run by EVALSHA, loaded again when Redis answers NOSCRIPT (a restart flushed its scripts).
 * The scripts themselves (their source and arguments) are the classes named after what they do.
 */
final class LuaScript {
    private final String source;
    private final ScriptOutputType type;
    private volatile String sha;

    LuaScript(String source, ScriptOutputType type, String sha) {
        this.source = source;
        this.type = type;
        this.sha = sha;
    }

    <T> CompletableFuture<T> run(RedisAsyncCommands<String, byte[]> redis, String[] keys, byte[]... args) {
        CompletableFuture<T> first = redis.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                return redis.scriptLoad(source).toCompletableFuture().thenCompose(s -> {
                    sha = s;
                    return redis.<T>evalsha(s, type, keys, args).toCompletableFuture();
                });
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
