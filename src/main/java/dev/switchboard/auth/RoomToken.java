package dev.switchboard.auth;

import java.time.Instant;

/**
 * What a verified room token grants: {@code room} ("*" for every room), the user's name, a role and the
 * expiry. Roles, weakest first: {@code viewer} (join and watch), {@code member} (also send and upload),
 * {@code admin} (also delete media).
 */
public record RoomToken(String room, String user, Role role, Instant expires) {

    public enum Role {
        VIEWER, MEMBER, ADMIN;

        public boolean atLeast(Role other) {
            return compareTo(other) >= 0;
        }
    }

    public boolean allowsRoom(String name) {
        return "*".equals(room) || room.equals(name);
    }
}
