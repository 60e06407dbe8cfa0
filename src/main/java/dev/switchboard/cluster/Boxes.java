package dev.switchboard.cluster;

/**
 * The Lua that writes to recovery boxes, one copy for every script that writes there ({@link SendScript},
 * {@link LeaveScript}): {@code window_start(window)} is the oldest stream id a box must keep (Redis's
 * clock less the recovery window); {@code box(key, entry, since, window, max)} appends the entry, trims
 * what is older than {@code since} (approximately, so the newest older entry stays) and anything past
 * {@code max} entries, and lets the box expire a window after its last entry.
 */
final class Boxes {
    static final String LUA = """
            local function window_start(window)
              local t = redis.call('TIME')
              return string.format('%d-0', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(window))
            end
            local function box(k, entry, since, window, max)
              redis.call('XADD', k, 'MINID', '~', since, '*', 'e', entry)
              if redis.call('XLEN', k) > tonumber(max) then
                redis.call('XTRIM', k, 'MAXLEN', '~', max)
              end
              redis.call('PEXPIRE', k, window)
            end
            """;

    private Boxes() {
    }
}
