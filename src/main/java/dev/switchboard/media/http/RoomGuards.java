package dev.switchboard.media.http;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.room.RoomName;
import dev.switchboard.web.Guard;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The guards of the routes under {@code /api/rooms/{room}/}: a well-formed room name (400
 * {@code bad_room}), then, with room tokens enabled, a token for that room granting at least the
 * route's role (401/403 otherwise).
 */
final class RoomGuards {
    private final Access access;

    RoomGuards(Access access) {
        this.access = access;
    }

    Guard viewer() {
        return role(RoomToken.Role.VIEWER);
    }

    Guard member() {
        return role(RoomToken.Role.MEMBER);
    }

    private Guard role(RoomToken.Role role) {
        return (req, params) -> {
            String room = params.get("room");
            if (!RoomName.isValid(room)) {
                return Replies.errorResponse(HttpResponseStatus.BAD_REQUEST, "bad_room",
                        "room names are 1 to 64 characters of A-Z a-z 0-9 _ -");
            }
            try {
                access.check(Access.tokenOf(req), room, role);
                return null;
            } catch (TokenRefused e) {
                return refused(e);
            }
        };
    }

    static FullHttpResponse refused(TokenRefused e) {
        return Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)), e.reason().code(), e.getMessage());
    }
}
