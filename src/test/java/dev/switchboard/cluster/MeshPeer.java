package dev.switchboard.cluster;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * One member of a two-peer mesh room, on the official Java Socket.IO client with reconnection on and
 * every connection made from its own loopback source address (so nginx's hash on the client address
 * spreads the peers over the nodes, as real clients are). After every (re)connect it joins its room;
 * it sends numbered signals to its peer and records what it was acknowledged and what it received.
 */
final class MeshPeer implements AutoCloseable {
    /** A signal the server acknowledged with ok: its number and the peer id it was addressed to. */
    record Acked(int seq, String to) {}

    /** A presence event seen: when (nanoTime) and the peer id it names. */
    record Presence(long at, String id) {}

    final String name;
    final String peerName;
    final String room;
    final Socket socket;
    private final OkHttpClient http;
    volatile String id;
    /** The peer's current id: the newest one not seen leaving (until a dead node's members are swept, the
     * room lists the peer's old session beside its new one, under the same name). */
    volatile String peerId;
    private final java.util.Deque<String> peerIds = new java.util.concurrent.ConcurrentLinkedDeque<>();
    final List<String> ids = new CopyOnWriteArrayList<>();
    final List<Long> joinedAt = new CopyOnWriteArrayList<>();
    final List<Long> disconnectedAt = new CopyOnWriteArrayList<>();
    final List<Presence> peerLeft = new CopyOnWriteArrayList<>();
    final List<Presence> peerJoined = new CopyOnWriteArrayList<>();
    final List<Acked> acked = new CopyOnWriteArrayList<>();
    final Set<Integer> received = ConcurrentHashMap.newKeySet();
    final AtomicInteger duplicates = new AtomicInteger();
    volatile long lastReceived;
    private final AtomicInteger seq = new AtomicInteger();

    MeshPeer(String url, String[] transports, InetAddress source, String room, String name, String peerName) {
        this.name = name;
        this.peerName = peerName;
        this.room = room;
        http = new OkHttpClient.Builder().socketFactory(new BoundSockets(source))
                .readTimeout(1, TimeUnit.MINUTES).build();
        IO.Options o = IO.Options.builder().setTransports(transports).setForceNew(true).setReconnection(true)
                .setReconnectionDelay(100).setReconnectionDelayMax(500).setRandomizationFactor(0.2)
                .setTimeout(5000).build();
        o.callFactory = http;
        o.webSocketFactory = http;
        socket = IO.socket(URI.create(url), o);
        socket.on(Socket.EVENT_CONNECT, a -> join());
        socket.on(Socket.EVENT_DISCONNECT, a -> {
            id = null;
            peerIds.clear(); // the room is joined again, with its members as they are then
            peerId = null;
            disconnectedAt.add(System.nanoTime());
        });
        socket.on("peer-joined", a -> {
            JSONObject p = (JSONObject) a[0];
            if (peerName.equals(p.optString("name"))) {
                peerIds.addLast(p.optString("id"));
                peerId = peerIds.peekLast();
                peerJoined.add(new Presence(System.nanoTime(), p.optString("id")));
            }
        });
        socket.on("peer-left", a -> {
            String left = ((JSONObject) a[0]).optString("id");
            peerLeft.add(new Presence(System.nanoTime(), left));
            peerIds.remove(left);
            peerId = peerIds.peekLast();
        });
        socket.on("signal", a -> {
            JSONObject data = ((JSONObject) a[0]).optJSONObject("data");
            lastReceived = System.nanoTime();
            if (data != null && !received.add(data.optInt("seq"))) {
                duplicates.incrementAndGet();
            }
        });
        socket.connect();
    }

    private void join() {
        socket.emit("join", new JSONObject(Map.of("room", room, "name", name)), (Ack) a -> {
            JSONObject r = (JSONObject) a[0];
            if (!r.optBoolean("ok")) {
                return;
            }
            JSONArray peers = r.optJSONArray("peers");
            for (int i = 0; peers != null && i < peers.length(); i++) {
                JSONObject p = peers.optJSONObject(i);
                if (p != null && peerName.equals(p.optString("name")) && !peerIds.contains(p.optString("id"))) {
                    peerIds.addLast(p.optString("id"));
                }
            }
            peerId = peerIds.peekLast();
            id = r.optString("id");
            ids.add(id);
            joinedAt.add(System.nanoTime());
        });
    }

    /** Sends the next numbered signal to the peer, if both are in the room now. */
    void sendNext() {
        String to = peerId;
        if (id == null || to == null) {
            return;
        }
        int n = seq.incrementAndGet();
        socket.emit("signal", new JSONObject(Map.of("room", room, "to", to, "data", Map.of("seq", n))), (Ack) a -> {
            if (a.length > 0 && a[0] instanceof JSONObject r && r.optBoolean("ok")) {
                acked.add(new Acked(n, to));
            }
        });
    }

    boolean joined() {
        return id != null;
    }

    @Override
    public void close() {
        socket.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** Sockets bound to one source address before they connect. */
    private static final class BoundSockets extends SocketFactory {
        private final InetAddress source;

        BoundSockets(InetAddress source) {
            this.source = source;
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            java.net.Socket s = new java.net.Socket();
            s.bind(new InetSocketAddress(source, 0));
            return s;
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public java.net.Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public java.net.Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        private java.net.Socket connected(InetSocketAddress to) throws IOException {
            java.net.Socket s = createSocket();
            s.connect(to);
            return s;
        }
    }
}
