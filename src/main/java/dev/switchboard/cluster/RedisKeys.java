package dev.switchboard.cluster;

import java.nio.charset.StandardCharsets;

/**
 * Key and channel names under the configured prefix. A room's hash and channel share a hash tag
 * ({@code {m:name}}), so they live on one shard.
 * <ul>
 *   <li>{@code P{K:ROOM}:members}: hash, member id to {@code NODE\nNAME}</li>
 *   <li>{@code P{K:ROOM}:ch}: the room's sharded pub/sub channel</li>
 *   <li>{@code Pnodes}: set of node ids; {@code Pnode:ID:alive}: string with a TTL, refreshed by the
 *       node's heartbeat; {@code Pnode:ID:members}: set of {@code K:ROOM\nMEMBER} the node holds</li>
 *   <li>{@code P{n:ID}:ch}: the node's own channel (events for one of its sockets); its subscriber count
 *       says whether the node is connected</li>
 *   <li>with connection state recovery: {@code Psession:SID}: hash of a recoverable session ({@code pid},
 *       {@code node}, and {@code r:K:ROOM} per room); {@code Pbox:SID}: stream of what it was sent
 *       ({@link SendScript}); {@code Pnode:ID:sessions}: set of the session ids the node holds</li>
 * </ul>
 * Keys of one session and its rooms sit in different slots: recovery across nodes needs one Redis
 * (a primary, with replicas if wanted), not Redis Cluster.
 */
record RedisKeys(String prefix) {

    String members(RoomKey room) {
        return members(tag(room));
    }

    /** The members hash of the room whose tag is {@code tag}; the scripts build the same name. */
    String members(String tag) {
        return prefix + "{" + tag + "}:members";
    }

    String channel(RoomKey room) {
        return prefix + "{" + tag(room) + "}:ch";
    }

    /** {@code K:ROOM}: a room's kind and name as the keys and entries spell them. */
    static String tag(RoomKey room) {
        return room.kind().tag + ":" + room.name();
    }

    String nodeChannel(String node) {
        return prefix + "{n:" + node + "}:ch";
    }

    String nodeSessions(String node) {
        return prefix + "node:" + node + ":sessions";
    }

    String session(String sid) {
        return prefix + "session:" + sid;
    }

    String boxPrefix() {
        return prefix + "box:";
    }

    String box(String sid) {
        return boxPrefix() + sid;
    }

    String nodes() {
        return prefix + "nodes";
    }

    String alive(String node) {
        return prefix + "node:" + node + ":alive";
    }

    String nodeMembers(String node) {
        return prefix + "node:" + node + ":members";
    }

    /** The entry of {@link #nodeMembers}: which room, which member. */
    record Entry(RoomKey room, String member) {
        byte[] bytes() {
            return (tag(room) + "\n" + member).getBytes(StandardCharsets.UTF_8);
        }

        static Entry parse(byte[] b) {
            String s = new String(b, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            RoomKey room = nl < 0 ? null : RedisKeys.room(s.substring(0, nl));
            return room == null ? null : new Entry(room, s.substring(nl + 1));
        }
    }

    /** The room of a tag ({@code K:ROOM}); null when it is not one. */
    static RoomKey room(String tag) {
        int colon = tag.indexOf(':');
        RoomKind kind = colon < 0 ? null : RoomKind.ofTag(tag.substring(0, colon));
        return kind == null ? null : new RoomKey(kind, tag.substring(colon + 1));
    }

    /** A member's value in its room's hash: the node that holds it and its name ({@code NODE\nNAME}). */
    record MemberValue(String node, String name) {
        byte[] bytes() {
            return (node + "\n" + name).getBytes(StandardCharsets.UTF_8);
        }

        /** Null when {@code b} is not one (no node before the line break). */
        static MemberValue parse(byte[] b) {
            String s = new String(b, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return nl <= 0 ? null : new MemberValue(s.substring(0, nl), s.substring(nl + 1));
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
