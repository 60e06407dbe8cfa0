package dev.switchboard.cluster;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A room of {@link LocalRooms}. Membership changes only inside the registry's map (under its lock for
 * this key) and is published as a fresh array, so fan-out reads a snapshot without locking.
 */
final class LocalRoom implements ClusterRoom {
    private static final Member[] EMPTY = new Member[0];

    private final RoomKey key;
    private final LocalRooms registry;
    private volatile Member[] members = EMPTY;

    LocalRoom(RoomKey key, LocalRooms registry) {
        this.key = key;
        this.registry = registry;
    }

    @Override
    public RoomKey key() {
        return key;
    }

    int size() {
        return members.length;
    }

    @Override
    public List<MemberInfo> members() {
        Member[] m = members;
        List<MemberInfo> out = new ArrayList<>(m.length);
        for (Member p : m) {
            out.add(new MemberInfo(p.id(), p.name()));
        }
        return out;
    }

    @Override
    public Member neighbour(Member self) {
        return Member.otherThan(self, members);
    }

    /** Under the registry's lock only. False when full or already a member. */
    boolean add(Member p, int capacity) {
        Member[] m = members;
        if (m.length >= capacity) {
            return false;
        }
        for (Member x : m) {
            if (x == p) {
                return false;
            }
        }
        Member[] n = Arrays.copyOf(m, m.length + 1);
        n[m.length] = p;
        members = n;
        return true;
    }

    /** Under the registry's lock only. */
    boolean remove(Member p) {
        Member[] m = members;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == p) {
                Member[] n = new Member[m.length - 1];
                System.arraycopy(m, 0, n, 0, i);
                System.arraycopy(m, i + 1, n, i, m.length - i - 1);
                members = n;
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<Void> broadcast(Member from, List<EnginePacket> encoded) {
        for (Member p : members) {
            if (p != from) {
                p.deliver(encoded);
            }
        }
        return Delivery.DONE;
    }

    @Override
    public CompletableFuture<Boolean> sendTo(Member from, String to, List<EnginePacket> encoded) {
        for (Member p : members) {
            if (p.id().equals(to)) {
                p.deliver(encoded);
                return Delivery.SENT;
            }
        }
        return Delivery.NO_SUCH_MEMBER;
    }

    @Override
    public void leave(Member member, List<EnginePacket> farewell) {
        registry.leave(this, member);
        if (farewell != null) {
            broadcast(member, farewell);
        }
    }
}
