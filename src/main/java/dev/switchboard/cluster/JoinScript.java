package dev.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The atomic join: add the member when the room has fewer than capacity members (or already holds it),
 * record it in the node's set and, when the member's session is recoverable across nodes (its record
 * exists), in that record; answer the room's whole membership, or nothing when full.
 */
final class JoinScript {
    static final String SOURCE = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return {}
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[4])
            if redis.call('EXISTS', KEYS[3]) == 1 then
              redis.call('HSET', KEYS[3], 'r:' .. ARGV[5], '1')
            end
            return redis.call('HGETALL', KEYS[1])
            """;

    private final LuaScript script;

    JoinScript(String sha) {
        this.script = new LuaScript(SOURCE, ScriptOutputType.MULTI, sha);
    }

    /** Member id to {@code NODE\nNAME} as the hash holds them; empty when the room is full. */
    CompletableFuture<List<Object>> run(RedisAsyncCommands<String, byte[]> redis, RedisKeys keys, String node,
            RoomKey room, String member, byte[] value, int capacity) {
        String[] k = {keys.members(room), keys.nodeMembers(node), keys.session(member)};
        return script.run(redis, k, RedisKeys.utf8(member), value, RedisKeys.utf8(Integer.toString(capacity)),
                new RedisKeys.Entry(room, member).bytes(), RedisKeys.utf8(RedisKeys.tag(room)));
    }
}
