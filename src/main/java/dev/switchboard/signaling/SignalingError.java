package dev.switchboard.signaling;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every refusal the signaling server gives, with a stable code and a message for people. */
public enum SignalingError {
    BAD_REQUEST("bad_request", "the request is malformed"),
    BAD_ROOM_NAME("bad_room_name", "room names are 1-64 characters of A-Z, a-z, 0-9, '_' and '-'"),
    ROOM_FULL("room_full", "the room is full"),
    NOT_IN_ROOM("not_in_room", "join the room first"),
    NO_SUCH_PEER("no_such_peer", "no peer with that id in the room"),
    PAYLOAD_TOO_LARGE("payload_too_large", "the message is larger than the server allows"),
    RATE_LIMITED("rate_limited", "too many messages; slow down"),
    TOO_MANY_ROOMS("too_many_rooms", "this connection is in too many rooms"),
    ALREADY_JOINED("already_joined", "already in that room"),
    WRONG_ROOM("wrong_room", "your room token is for another room"),
    CLUSTER_UNAVAILABLE("cluster_unavailable", "the shared room service (Redis) cannot be reached: peers on other nodes may not have it; try again");

    private final String code;
    private final String message;

    SignalingError(String code, String message) {
        this.code = code;
        this.message = message;
    }

    public String code() {
        return code;
    }

    /** The body of the {@code error} event and of a refusing ack: {code, message, event}. */
    public Map<String, Object> body(String event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        if (event != null) {
            m.put("event", event);
        }
        return m;
    }
}
