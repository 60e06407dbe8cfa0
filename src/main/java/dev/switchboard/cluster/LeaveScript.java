package dev.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * The atomic leave: removes the member from the room's hash only while the hash still says the named
 * node holds it (a session another node took over is not removed by its old node or by the sweeper of
 * that node), drops it from that node's set and from its session's rooms, then tells the room: the
 * farewell envelope goes on the channel, and, with recovery across nodes, into the remaining members'
 * boxes ({@link Boxes}). Answers -1 when the member was not removed (nothing is published), else the
 * number of nodes that received the farewell.
 */
final class LeaveScript {
    static final String SOURCE = Boxes.LUA + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('SREM', KEYS[2], ARGV[3])
            if not v or string.sub(v, 1, #ARGV[2] + 1) ~= ARGV[2] .. '\\n' then
              return -1
            end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[3], 'r:' .. ARGV[4])
            if ARGV[7] ~= '' then
              local since = window_start(ARGV[8])
              for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
                box(ARGV[7] .. id, ARGV[6], since, ARGV[8], ARGV[9])
              end
            end
            return redis.call('SPUBLISH', ARGV[5], ARGV[6])
            """;
    private static final byte[] NONE = {};

    private final LuaScript script;
    private final RedisKeys keys;
    private final byte[] boxPrefix;
    private final byte[] windowMillis;
    private final byte[] maxEntries;

    /** {@code windowMillis} zero: no boxes (recovery across nodes off). */
    LeaveScript(String sha, RedisKeys keys, long windowMillis, int maxEntries) {
        this.script = new LuaScript(SOURCE, ScriptOutputType.INTEGER, sha);
        this.keys = keys;
        this.boxPrefix = windowMillis > 0 ? RedisKeys.utf8(keys.boxPrefix()) : NONE;
        this.windowMillis = RedisKeys.utf8(Long.toString(windowMillis));
        this.maxEntries = RedisKeys.utf8(Integer.toString(maxEntries));
    }

    /**
     * Removes {@code member}, held by {@code node}, from {@code room}, and publishes {@code farewell} (boxed
     * when it has packets for the others).
     */
    CompletableFuture<Long> run(RedisAsyncCommands<String, byte[]> redis, RoomKey room, String member, String node,
            byte[] farewell, boolean hasPackets) {
        String[] k = {keys.members(room), keys.nodeMembers(node), keys.session(member)};
        return script.run(redis, k, RedisKeys.utf8(member), RedisKeys.utf8(node), new RedisKeys.Entry(room, member).bytes(),
                RedisKeys.utf8(RedisKeys.tag(room)), RedisKeys.utf8(keys.channel(room)), farewell, hasPackets ? boxPrefix : NONE, windowMillis,
                maxEntries);
    }
}
