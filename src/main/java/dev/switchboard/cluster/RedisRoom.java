package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A room as one node of {@link RedisRooms} sees it: its members on this node (delivered to directly)
 * and a replica of the members on other nodes (from the join snapshot, then the channel's join and
 * leave notices), which says which nodes a publish must reach and whether a target exists.
 * Exists while this node has members in it or joins pending; subscribed to the room's channel meanwhile.
 */
final class RedisRoom implements ClusterRoom {
    private static final Member[] EMPTY = new Member[0];
    private static final int TOMBSTONES = 256;

    /** A member on another node. */
    record Remote(String node, String name) {}

    private final RoomKey key;
    private final RedisRooms owner;
    final String channel;
    /** The channel's name encoded once, for the scripts that publish on it. */
    final byte[] channelBytes;
    final String membersKey;
    private volatile Member[] local = EMPTY;
    private final Map<String, Remote> remote = new LinkedHashMap<>();
    /** Ids known to have left: a snapshot that arrives after their leave notice must not revive them. */
    private final Set<String> gone = new LinkedHashSet<>();
    private volatile int remoteNodes;
    /** Joins in progress; under the registry map's lock. */
    int pending;
    CompletableFuture<Void> subscribed;

    RedisRoom(RoomKey key, RedisRooms owner, String channel, String membersKey) {
        this.key = key;
        this.owner = owner;
        this.channel = channel;
        this.channelBytes = RedisKeys.utf8(channel);
        this.membersKey = membersKey;
    }

    @Override
    public RoomKey key() {
        return key;
    }

    Member[] local() {
        return local;
    }

    int remoteNodes() {
        return remoteNodes;
    }

    /** Under the registry map's lock. */
    void addLocal(Member m) {
        Member[] l = local;
        Member[] n = Arrays.copyOf(l, l.length + 1);
        n[l.length] = m;
        local = n;
    }

    /** Under the registry map's lock. */
    boolean removeLocal(Member m) {
        Member[] l = local;
        for (int i = 0; i < l.length; i++) {
            if (l[i] == m) {
                Member[] n = new Member[l.length - 1];
                System.arraycopy(l, 0, n, 0, i);
                System.arraycopy(l, i + 1, n, i, l.length - i - 1);
                local = n;
                return true;
            }
        }
        return false;
    }

    @Override
    public Member neighbour(Member self) {
        return Member.otherThan(self, local);
    }

    Member localMember(String id) {
        for (Member m : local) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        return null;
    }

    synchronized void remoteJoined(String id, String node, String name) {
        if (!gone.contains(id)) {
            remote.put(id, new Remote(node, name));
            recount();
        }
    }

    synchronized void remoteLeft(String id) {
        gone.add(id);
        if (gone.size() > TOMBSTONES) {
            Iterator<String> it = gone.iterator();
            it.next();
            it.remove();
        }
        if (remote.remove(id) != null) {
            recount();
        }
    }

    /** Takes in the members of a join script's answer (id, {@code NODE\nNAME} pairs) held by other nodes. */
    void mergeSnapshot(List<Object> all, String self) {
        for (int i = 0; i + 1 < all.size(); i += 2) {
            String id = new String((byte[]) all.get(i), StandardCharsets.UTF_8);
            RedisKeys.MemberValue v = RedisKeys.MemberValue.parse((byte[]) all.get(i + 1));
            if (v != null && !v.node().equals(self)) {
                remoteJoined(id, v.node(), v.name());
            }
        }
    }

    /** A member on another node came to this one (its session was taken over here). */
    synchronized void adopted(String id) {
        gone.remove(id);
        if (remote.remove(id) != null) {
            recount();
        }
    }

    synchronized boolean hasRemote(String id) {
        return remote.containsKey(id);
    }

    /** The names of the nodes holding remote members. */
    synchronized Set<String> remoteNodeIds() {
        Set<String> nodes = new HashSet<>();
        for (Remote r : remote.values()) {
            nodes.add(r.node());
        }
        return nodes;
    }

    private void recount() {
        remoteNodes = remoteNodeIds().size();
    }

    @Override
    public List<MemberInfo> members() {
        List<MemberInfo> out = new ArrayList<>();
        for (Member m : local) {
            out.add(new MemberInfo(m.id(), m.name()));
        }
        synchronized (this) {
            remote.forEach((id, r) -> out.add(new MemberInfo(id, r.name())));
        }
        return out;
    }

    /** Delivers to the members on this node but {@code except} (null: all). */
    void deliverLocal(String except, List<EnginePacket> encoded) {
        for (Member m : local) {
            if (except == null || !m.id().equals(except)) {
                m.deliver(encoded);
            }
        }
    }

    /**
     * An envelope from the room's channel, on the subscription's thread; {@code own} when this node sent
     * it (its membership notices are not news here).
     */
    void receive(Envelope e, boolean own) {
        switch (e.kind()) {
            case MESSAGE -> deliverLocal(e.from().isEmpty() ? null : e.from(), e.packets());
            case TARGETED -> {
                Member m = localMember(e.arg());
                if (m != null) {
                    m.deliver(e.packets());
                }
            }
            case JOINED -> {
                if (!own) {
                    remoteJoined(e.from(), e.origin(), e.arg());
                }
            }
            case LEFT -> {
                if (!own) {
                    remoteLeft(e.from());
                }
                if (!e.packets().isEmpty()) {
                    deliverLocal(e.from(), e.packets());
                }
            }
            case DIRECT -> { }
        }
    }

    /** Delivers a send to this node's members of the room directly, when Redis could not take it. */
    void deliverHere(Envelope.Kind kind, String from, String to, List<EnginePacket> encoded) {
        if (kind == Envelope.Kind.MESSAGE) {
            deliverLocal(from.isEmpty() ? null : from, encoded);
        } else if (kind == Envelope.Kind.TARGETED) {
            Member m = localMember(to);
            if (m != null) {
                m.deliver(encoded);
            }
        }
    }

    @Override
    public CompletableFuture<Void> broadcast(Member from, List<EnginePacket> encoded) {
        if (owner.sendScript != null) {
            return owner.publish(this, Envelope.Kind.MESSAGE, from == null ? "" : from.id(), "", encoded);
        }
        for (Member m : local) {
            if (m != from) {
                m.deliver(encoded);
            }
        }
        if (remoteNodes == 0) {
            return Delivery.DONE;
        }
        return owner.publish(this, Envelope.Kind.MESSAGE, from == null ? "" : from.id(), "", encoded);
    }

    @Override
    public CompletableFuture<Boolean> sendTo(Member from, String to, List<EnginePacket> encoded) {
        Member m = localMember(to);
        if (m != null && owner.sendScript == null) {
            m.deliver(encoded);
            return Delivery.SENT;
        }
        if (m == null && !hasRemote(to)) {
            return Delivery.NO_SUCH_MEMBER;
        }
        return owner.publish(this, Envelope.Kind.TARGETED, from.id(), to, encoded).thenApply(v -> Boolean.TRUE);
    }

    @Override
    public void leave(Member member, List<EnginePacket> farewell) {
        owner.leave(this, member, farewell);
    }
}
