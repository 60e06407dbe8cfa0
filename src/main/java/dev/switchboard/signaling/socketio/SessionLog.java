package dev.switchboard.signaling.socketio;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events one recoverable session was sent (each send as the packets encoded once for every
 * recipient, so an entry costs a reference, a time and a size), for replay after its client reconnects.
 * Bounded: entries older than the window go (but the newest older one stays: it may be the last the
 * client saw), and past {@code maxPackets} entries or {@code maxBytes} the oldest go. While the client is
 * away, the sends it misses count against the same limits: past them {@link #add} refuses and the session
 * cannot be recovered. Offsets are not stored: a client's offset is looked up at the end of the packets'
 * text only when it comes back. Owned by the session's event loop.
 */
final class SessionLog {
    private static final Object[] NO_SENDS = {};
    private static final long[] NO_TIMES = {};
    private static final int[] NO_SIZES = {};
    private final long windowNanos;
    private final int maxPackets;
    private final long maxBytes;
    // allocated on the first send, so a session that is sent nothing costs a few fields
    private Object[] sends = NO_SENDS;
    private long[] times = NO_TIMES;
    private int[] sizes = NO_SIZES;
    private int head;
    private int size;
    private long bytes;
    private boolean forgotten;
    private boolean away;
    private int missed;
    private long missedBytes;

    SessionLog(long windowNanos, int maxPackets, long maxBytes) {
        this.windowNanos = windowNanos;
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /** Records a send; false when the client is away and has now missed more than the limits allow. */
    boolean add(List<EnginePacket> encoded, long nowNanos) {
        int length = 0;
        for (EnginePacket p : encoded) {
            length += p.length();
        }
        if (away) {
            missed++;
            missedBytes += length;
            if (missed > maxPackets || missedBytes > maxBytes) {
                return false;
            }
        }
        if (size == sends.length) {
            grow();
        }
        int i = (head + size) % sends.length;
        sends[i] = encoded;
        times[i] = nowNanos;
        sizes[i] = length;
        size++;
        bytes += length;
        while (size > 1 && (size > maxPackets || bytes > maxBytes || times[(head + 1) % sends.length] < nowNanos - windowNanos)) {
            dropOldest();
        }
        return true;
    }

    /**
     * Puts {@code history} (what the session was sent on the node it came from) before the sends logged
     * since, leaving out those that are in both (a send that reached this node's subscription before the
     * history was read); an entry is known by the text of its first packet, which carries its offset.
     */
    void seed(List<List<EnginePacket>> history, long nowNanos) {
        Set<String> had = new HashSet<>();
        for (List<EnginePacket> h : history) {
            had.add(first(h));
        }
        List<List<EnginePacket>> since = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            if (!had.contains(first(entry(k)))) {
                since.add(entry(k));
            }
        }
        sends = NO_SENDS;
        times = NO_TIMES;
        sizes = NO_SIZES;
        head = 0;
        size = 0;
        bytes = 0;
        boolean wasAway = away;
        away = false;
        for (List<EnginePacket> h : history) {
            add(h, nowNanos);
        }
        away = wasAway;
        missed = 0;
        missedBytes = 0;
        for (List<EnginePacket> h : since) {
            add(h, nowNanos);
        }
    }

    /**
     * The entries of {@code box} (what the session was sent since a moment, in order, as Redis holds it)
     * that this log lacks: what a connection cut from Redis for a moment did not deliver. The box must
     * start within the window, so that what the session was sent from there on is still logged here.
     */
    List<List<EnginePacket>> missing(List<List<EnginePacket>> box) {
        Set<String> had = new HashSet<>();
        for (int k = 0; k < size; k++) {
            had.add(first(entry(k)));
        }
        List<List<EnginePacket>> out = new ArrayList<>();
        for (List<EnginePacket> entry : box) {
            if (!had.contains(first(entry))) {
                out.add(entry);
            }
        }
        return out;
    }

    /** The k-th send held, oldest first. */
    @SuppressWarnings("unchecked")
    private List<EnginePacket> entry(int k) {
        return (List<EnginePacket>) sends[(head + k) % sends.length];
    }

    /** What a send is known by: the text of its first packet (it carries the send's offset). */
    static String first(List<EnginePacket> send) {
        for (EnginePacket p : send) {
            if (!p.isBinary()) {
                return p.text();
            }
        }
        return "";
    }

    /** The client is gone: what follows is missed. */
    void away() {
        away = true;
        missed = 0;
        missedBytes = 0;
    }

    /** The client is back. */
    void back() {
        away = false;
    }

    int size() {
        return size;
    }

    /**
     * The packets sent after the event whose offset the client last saw, in order; with no offset (the
     * client saw no event), every packet, if none was forgotten. Null when that event is no longer held.
     */
    List<EnginePacket> after(String offset) {
        if (offset == null) {
            return forgotten ? null : from(0, 0);
        }
        String suffix = ",\"" + offset + "\"]";
        for (int k = size - 1; k >= 0; k--) {
            @SuppressWarnings("unchecked")
            List<EnginePacket> send = (List<EnginePacket>) sends[(head + k) % sends.length];
            for (int j = send.size() - 1; j >= 0; j--) {
                EnginePacket p = send.get(j);
                if (!p.isBinary() && p.text().endsWith(suffix)) {
                    int next = j + 1;
                    while (next < send.size() && send.get(next).isBinary()) {
                        next++; // the event's own attachments
                    }
                    return from(k, next);
                }
            }
        }
        return null;
    }

    private List<EnginePacket> from(int entry, int packet) {
        List<EnginePacket> out = new ArrayList<>();
        for (int k = entry; k < size; k++) {
            @SuppressWarnings("unchecked")
            List<EnginePacket> send = (List<EnginePacket>) sends[(head + k) % sends.length];
            out.addAll(k == entry ? send.subList(packet, send.size()) : send);
        }
        return out;
    }

    private void dropOldest() {
        bytes -= sizes[head];
        sends[head] = null;
        head = (head + 1) % sends.length;
        size--;
        forgotten = true;
    }

    private void grow() {
        int n = Math.max(8, sends.length * 2);
        Object[] s = new Object[n];
        long[] t = new long[n];
        int[] z = new int[n];
        for (int k = 0; k < size; k++) {
            int i = (head + k) % sends.length;
            s[k] = sends[i];
            t[k] = times[i];
            z[k] = sizes[i];
        }
        sends = s;
        times = t;
        sizes = z;
        head = 0;
    }
}
