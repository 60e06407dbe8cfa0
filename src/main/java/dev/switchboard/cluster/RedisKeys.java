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
 * </ul>
 */
record RedisKeys(String prefix) {

    String members(RoomKey room) {
        return prefix + "{" + room.kind().tag + ":" + room.name() + "}:members";
    }

    String channel(RoomKey room) {
        return prefix + "{" + room.kind().tag + ":" + room.name() + "}:ch";
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
            return (room.kind().tag + ":" + room.name() + "\n" + member).getBytes(StandardCharsets.UTF_8);
        }

        static Entry parse(byte[] b) {
            String s = new String(b, StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            int nl = s.indexOf('\n');
            RoomKind kind = colon < 0 ? null : RoomKind.ofTag(s.substring(0, colon));
            if (kind == null || nl < colon) {
                return null;
            }
            return new Entry(new RoomKey(kind, s.substring(colon + 1, nl)), s.substring(nl + 1));
        }
    }

    static byte[] memberValue(String node, String name) {
        return (node + "\n" + name).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
