package dev.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Moves a recoverable session from a node that died to this one, atomically: only while its record
 * still names that node and carries the client's private id, and every room given still holds it for
 * that node (none swept); then each room's hash and the node sets name this node. Answers the member's
 * names, one per room in the order given, and its whole box (XRANGE); or nothing when the session is
 * not there to take (unknown, taken by another node, or swept). Run once per session: whoever runs it
 * first has it.
 */
final class TakeoverScript {
    static final String SOURCE = """
            if redis.call('HGET', KEYS[1], 'pid') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'node') ~= ARGV[3] then
              return {}
            end
            local names = {}
            for i = 6, #ARGV do
              local v = redis.call('HGET', ARGV[5] .. '{' .. ARGV[i] .. '}:members', ARGV[1])
              if not v or string.sub(v, 1, #ARGV[3] + 1) ~= ARGV[3] .. '\\n' then
                return {}
              end
              names[#names + 1] = string.sub(v, #ARGV[3] + 2)
            end
            for i = 6, #ARGV do
              redis.call('HSET', ARGV[5] .. '{' .. ARGV[i] .. '}:members', ARGV[1], ARGV[4] .. '\\n' .. names[i - 5])
              redis.call('SMOVE', KEYS[3], KEYS[4], ARGV[i] .. '\\n' .. ARGV[1])
            end
            redis.call('HSET', KEYS[1], 'node', ARGV[4])
            redis.call('SMOVE', KEYS[5], KEYS[6], ARGV[1])
            return {names, redis.call('XRANGE', KEYS[2], '-', '+')}
            """;

    private final LuaScript script;
    private final RedisKeys keys;

    TakeoverScript(String sha, RedisKeys keys) {
        this.script = new LuaScript(SOURCE, ScriptOutputType.MULTI, sha);
        this.keys = keys;
    }

    /** Empty when the session could not be taken; else {names, entries}. */
    CompletableFuture<List<Object>> run(RedisAsyncCommands<String, byte[]> redis, String sid, String pid, String from,
            String to, List<RoomKey> rooms) {
        String[] k = {keys.session(sid), keys.box(sid), keys.nodeMembers(from), keys.nodeMembers(to),
                keys.nodeSessions(from), keys.nodeSessions(to)};
        byte[][] args = new byte[5 + rooms.size()][];
        args[0] = RedisKeys.utf8(sid);
        args[1] = RedisKeys.utf8(pid);
        args[2] = RedisKeys.utf8(from);
        args[3] = RedisKeys.utf8(to);
        args[4] = RedisKeys.utf8(keys.prefix());
        for (int i = 0; i < rooms.size(); i++) {
            args[5 + i] = RedisKeys.utf8(RedisKeys.tag(rooms.get(i)));
        }
        return script.run(redis, k, args);
    }
}
