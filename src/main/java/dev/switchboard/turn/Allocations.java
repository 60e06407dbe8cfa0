package dev.switchboard.turn;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.stun.ErrorCode;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The allocation table keyed by 5-tuple (RFC 8656 section 5) and its quotas: allocations per user and
 * in total (section 7.2, step 10). The relay path reads the table without locks; quota counts change
 * under this object's lock.
 */
final class Allocations {
    private final ConcurrentHashMap<FiveTuple, Allocation> table = new ConcurrentHashMap<>();
    /** UDP allocations by the relayed address they advertise, for {@link #ownRelay}. */
    private final ConcurrentHashMap<InetSocketAddress, Allocation> byRelay = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final int maxPerUser;
    private final int maxTotal;
    private int total;

    Allocations(TurnConfig config) {
        this.maxPerUser = config.maxAllocationsPerUser();
        this.maxTotal = config.maxAllocations();
    }

    Allocation get(FiveTuple tuple) {
        return table.get(tuple);
    }

    int size() {
        return table.size();
    }

    /** 0 when an allocation may be made for {@code user} (and is now counted), else the error code. */
    synchronized int reserve(String user) {
        int mine = perUser.getOrDefault(user, 0);
        if (mine >= maxPerUser) {
            return ErrorCode.ALLOCATION_QUOTA_REACHED;
        }
        if (total >= maxTotal) {
            return ErrorCode.INSUFFICIENT_CAPACITY;
        }
        perUser.put(user, mine + 1);
        total++;
        return 0;
    }

    synchronized void unreserve(String user) {
        perUser.computeIfPresent(user, (k, v) -> v <= 1 ? null : v - 1);
        total--;
    }

    /** Adds {@code a}, reserved with {@link #reserve}; false (reservation returned) when its 5-tuple is taken. */
    boolean add(Allocation a) {
        if (table.putIfAbsent(a.tuple, a) != null) {
            unreserve(a.username);
            return false;
        }
        return true;
    }

    /** Indexes {@code a}'s relayed address once its relay is ready (UDP relays only: no TCP relay is a peer). */
    void relayed(Allocation a) {
        Relay r = a.relay();
        if (r == null || r instanceof TcpRelay) {
            return;
        }
        byRelay.put(r.advertised(), a);
        if (a.closed()) {
            byRelay.remove(r.advertised(), a); // deleted while we indexed it
        }
    }

    /**
     * True when {@code peer} is the relayed address (IP and port) of one of this server's live UDP
     * allocations: data sent there stays with this server, from one of its clients to another.
     */
    boolean ownRelay(InetSocketAddress peer) {
        Allocation a = byRelay.get(peer);
        return a != null && !a.closed();
    }

    /** Takes out a failed allocation that never got a relay, returning its reservation. */
    void abandon(Allocation a) {
        if (table.remove(a.tuple, a)) {
            unreserve(a.username);
        }
    }

    /** Deletes {@code a}: closes its relay and returns its reservation (once, however often called). */
    void delete(Allocation a) {
        if (table.remove(a.tuple, a)) {
            a.close();
            Relay r = a.relay();
            if (r != null) {
                byRelay.remove(r.advertised(), a);
            }
            unreserve(a.username);
        }
    }

    /** Deletes whatever allocation holds {@code tuple}. */
    void delete(FiveTuple tuple) {
        Allocation a = table.get(tuple);
        if (a != null) {
            delete(a);
        }
    }

    /** Deletes expired allocations and prunes the permissions and channels of the others. */
    void sweep(long now) {
        for (Allocation a : table.values()) {
            if (a.expired(now)) {
                delete(a);
            } else {
                a.prune(now);
            }
        }
    }

    void closeAll() {
        for (Allocation a : List.copyOf(table.values())) {
            delete(a);
        }
    }
}
