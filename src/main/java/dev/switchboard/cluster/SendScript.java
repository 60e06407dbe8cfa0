package dev.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * A publish that is also written to each recipient's box (connection state recovery across nodes): the
 * envelope goes to the box stream of every member of the room but the sender (or of the one recipient
 * named), then on the channel; answers the number of nodes that received it. Everything a recoverable
 * session is sent passes here, so its box and its connection see one order: the order Redis ran the
 * scripts in, which is the order its node's subscription delivers them. How a box is kept: {@link Boxes}.
 */
final class SendScript {
    static final String SOURCE = Boxes.LUA + """
            local since = window_start(ARGV[6])
            if ARGV[5] ~= '' then
              box(ARGV[4] .. ARGV[5], ARGV[2], since, ARGV[6], ARGV[7])
            else
              for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
                if id ~= ARGV[3] then
                  box(ARGV[4] .. id, ARGV[2], since, ARGV[6], ARGV[7])
                end
              end
            end
            return redis.call('SPUBLISH', ARGV[1], ARGV[2])
            """;
    private static final byte[] NONE = {};
    private static final String[] NO_KEYS = {};

    private final LuaScript script;
    private final byte[] boxPrefix;
    private final byte[] windowMillis;
    private final byte[] maxEntries;

    SendScript(String sha, RedisKeys keys, long windowMillis, int maxEntries) {
        this.script = new LuaScript(SOURCE, ScriptOutputType.INTEGER, sha);
        this.boxPrefix = RedisKeys.utf8(keys.boxPrefix());
        this.windowMillis = RedisKeys.utf8(Long.toString(Math.max(1, windowMillis)));
        this.maxEntries = RedisKeys.utf8(Integer.toString(maxEntries));
    }

    /** To every member of the room whose hash is {@code membersKey} but {@code from} (may be empty). */
    CompletableFuture<Long> toRoom(RedisAsyncCommands<String, byte[]> redis, String membersKey, byte[] channel,
            byte[] envelope, String from) {
        return script.run(redis, new String[] {membersKey}, channel, envelope, RedisKeys.utf8(from),
                boxPrefix, NONE, windowMillis, maxEntries);
    }

    /** To the one member {@code to}, on {@code channel} (its room's or its node's). */
    CompletableFuture<Long> toMember(RedisAsyncCommands<String, byte[]> redis, byte[] channel, byte[] envelope, String to) {
        return script.run(redis, NO_KEYS, channel, envelope, NONE, boxPrefix,
                RedisKeys.utf8(to), windowMillis, maxEntries);
    }
}
