package dev.switchboard.room;

import java.util.regex.Pattern;

/**
 * Room names: 1 to 64 characters of {@code [A-Za-z0-9_-]}. Shared by signaling joins, room tokens and the
 * media API's paths; this package depends on nothing else in the project, so none of them needs another
 * for it.
 */
public final class RoomName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private RoomName() {}

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }
}
