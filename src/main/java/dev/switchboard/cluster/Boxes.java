package dev.switchboard.cluster;

/**
 * How a recovery box is written, in Lua for the script that boxes a farewell ({@link LeaveScript});
 * {@link SendTransaction} sends the same three commands for every other send. {@code window_start(window)}
 * is the oldest stream id a box must keep (Redis's clock less the recovery window);
 * {@code box(key, entry, room, since, window, max)} appends the entry marked with its room's tag, trims
 * what is older than {@code since} (approximately, so the newest older entry stays) and anything past
 * {@code max} entries, and lets the box expire a window after its last entry.
 */
final class Boxes {
    static final String LUA = """
            local function window_start(window)
              local t = redis.call('TIME')
              return string.format('%d-0', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(window))
            end
            local function box(k, entry, room, since, window, max)
              redis.call('XADD', k, 'MINID', '~', since, '*', 'e', entry, 'r', room)
              redis.call('XTRIM', k, 'MAXLEN', '~', max)
              redis.call('PEXPIRE', k, window)
            end
            """;

    private Boxes() {
    }
}
