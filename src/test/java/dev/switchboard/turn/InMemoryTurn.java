package dev.switchboard.turn;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.TurnConfig;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.Integrity;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.Nonce;
import dev.switchboard.stun.Realm;
import dev.switchboard.stun.StunAttribute;
import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunFormatException;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.Username;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A TurnServer driven in memory: a manual clock, fake relays and client links that record what they get. */
final class InMemoryTurn {
    static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.1", 3478);

    final ManualTicker ticker = new ManualTicker();
    final FakeRelays relays = new FakeRelays();
    final FakeTcpRelays tcpRelays = new FakeTcpRelays();
    final TurnConfig config;
    final TurnServer server;

    InMemoryTurn(Map<String, Object> settings) {
        Map<String, Object> o = new HashMap<>();
        o.put("turn.users", List.of("alice:wonderland", "bob:builder"));
        o.put("turn.secret", "rest-secret");
        o.putAll(settings);
        config = ConfigLoader.load(null, Map.of(), o).turn();
        server = new TurnServer(config, "rest-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), ticker, relays,
                config.tcpRelay() ? tcpRelays : null);
    }

    InMemoryTurn() {
        this(Map.of());
    }

    Client client(String ip, int port, String user, String password) {
        return new Client(new Link(new FiveTuple(FiveTuple.Protocol.UDP, new InetSocketAddress(ip, port), SERVER), false),
                user, password);
    }

    /** A clock the test moves by hand. */
    static final class ManualTicker implements Ticker {
        long nanos = 1_000_000_000L;
        long epoch = 1_900_000_000L;

        void advanceSeconds(long s) {
            nanos += TimeUnit.SECONDS.toNanos(s);
            epoch += s;
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long epochSecond() {
            return epoch;
        }
    }

    /** A client link that records every frame sent to it (as bytes, releasing the buffers). */
    static final class Link implements ClientLink {
        final FiveTuple tuple;
        final boolean stream;
        final List<byte[]> frames = new ArrayList<>();

        Link(FiveTuple tuple, boolean stream) {
            this.tuple = tuple;
            this.stream = stream;
        }

        @Override
        public FiveTuple fiveTuple() {
            return tuple;
        }

        @Override
        public ByteBufAllocator alloc() {
            return ALLOC;
        }

        @Override
        public boolean stream() {
            return stream;
        }

        @Override
        public void write(ByteBuf frame) {
            try {
                frames.add(ByteBufUtil.getBytes(frame));
            } finally {
                frame.release();
            }
        }

        PeerConnection spliced;

        @Override
        public boolean splice(PeerConnection peer) {
            if (!stream) {
                return false;
            }
            spliced = peer;
            return true;
        }

        byte[] take() {
            if (frames.isEmpty()) {
                return null;
            }
            return frames.remove(0);
        }
    }

    /** Relays that bind nothing: they record sends and can be fed datagrams from peers. */
    static final class FakeRelays implements RelayFactory {
        final List<FakeRelay> opened = new ArrayList<>();
        int nextPort = 50000;
        int failWith;

        @Override
        public void open(ClientLink link, int family, boolean evenPort, boolean reserveNext, RelayReceiver receiver,
                Opened result) {
            if (failWith != 0) {
                result.failed(failWith);
                return;
            }
            String ip = family == 1 ? "198.51.100.7" : "2001:db8::7";
            int port = nextPort;
            nextPort += 2;
            FakeRelay r = new FakeRelay(new InetSocketAddress(ip, port), receiver);
            opened.add(r);
            FakeRelay next = null;
            if (reserveNext) {
                next = new FakeRelay(new InetSocketAddress(ip, port + 1), null);
                opened.add(next);
            }
            result.relay(r, next);
        }
    }

    /** TCP relays that bind nothing: Connect to port 9 fails, any other succeeds; peers arrive by {@link FakeTcpRelay#arrive}. */
    static final class FakeTcpRelays implements TcpRelayFactory {
        final List<FakeTcpRelay> opened = new ArrayList<>();

        @Override
        public void listen(ClientLink link, int family, TcpRelay.Accepted accepted, RelayFactory.Opened result) {
            FakeTcpRelay r = new FakeTcpRelay(new InetSocketAddress("198.51.100.7", 51000 + opened.size()), accepted);
            opened.add(r);
            result.relay(r, null);
        }
    }

    static final class FakeTcpRelay extends FakeRelay implements TcpRelay {
        final TcpRelay.Accepted accepted;
        final List<FakePeer> connected = new ArrayList<>();

        FakeTcpRelay(InetSocketAddress address, TcpRelay.Accepted accepted) {
            super(address, null);
            this.accepted = accepted;
        }

        @Override
        public void connect(InetSocketAddress peer, Connected connected) {
            if (peer.getPort() == 9) {
                connected.failed();
            } else {
                FakePeer p = new FakePeer(peer);
                this.connected.add(p);
                connected.connected(p);
            }
        }

        FakePeer arrive(InetSocketAddress peer) {
            FakePeer p = new FakePeer(peer);
            accepted.accepted(p);
            return p;
        }
    }

    static final class FakePeer implements PeerConnection {
        final InetSocketAddress peer;
        boolean open = true;

        FakePeer(InetSocketAddress peer) {
            this.peer = peer;
        }

        @Override
        public InetSocketAddress peer() {
            return peer;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    static class FakeRelay implements Relay {
        final InetSocketAddress address;
        RelayReceiver receiver;
        boolean closed;
        final List<Map.Entry<InetSocketAddress, byte[]>> sent = new ArrayList<>();

        FakeRelay(InetSocketAddress address, RelayReceiver receiver) {
            this.address = address;
            this.receiver = receiver;
        }

        @Override
        public InetSocketAddress advertised() {
            return address;
        }

        @Override
        public void send(InetSocketAddress peer, ByteBuf payload) {
            try {
                sent.add(Map.entry(peer, ByteBufUtil.getBytes(payload)));
            } finally {
                payload.release();
            }
        }

        @Override
        public void attach(ClientLink owner, RelayReceiver r, RelayFactory.Opened attached) {
            receiver = r;
            attached.relay(this, null);
        }

        @Override
        public void close() {
            closed = true;
        }

        /** A datagram from {@code peer} arrives at this relay. */
        void receive(InetSocketAddress peer, byte[] data) {
            ByteBuf b = ALLOC.buffer().writeBytes(data);
            try {
                receiver.fromPeer(peer, b);
            } finally {
                b.release();
            }
        }
    }

    /** A client that does the long-term credential dance like a real one. */
    final class Client {
        final Link link;
        final String user;
        final String password;
        String nonce;

        Client(Link link, String user, String password) {
            this.link = link;
            this.user = user;
            this.password = password;
        }

        byte[] key() {
            return Integrity.longTermKey(user, config.realm(), password);
        }

        /** Sends without credentials and returns the decoded answer. */
        StunMessage plain(int method, StunAttribute... attrs) {
            return send(StunEncoder.encode(StunMessage.of(MessageType.request(method), TransactionId.random(), attrs)));
        }

        /** Sends signed (fetching a nonce first when needed) and returns the decoded answer. */
        StunMessage signed(int method, StunAttribute... attrs) {
            return signed(TransactionId.random(), method, attrs);
        }

        StunMessage signed(TransactionId tid, int method, StunAttribute... attrs) {
            if (nonce == null) {
                StunMessage challenge = plain(method, attrs);
                nonce = challenge.get(Nonce.class).value();
            }
            StunMessage answer = send(encodeSigned(tid, method, attrs));
            ErrorCode e = answer.get(ErrorCode.class);
            if (e != null && e.code() == ErrorCode.STALE_NONCE) {
                nonce = answer.get(Nonce.class).value();
                answer = send(encodeSigned(tid, method, attrs));
            }
            return answer;
        }

        byte[] encodeSigned(TransactionId tid, int method, StunAttribute... attrs) {
            List<StunAttribute> all = new ArrayList<>(List.of(attrs));
            all.add(new Username(user));
            all.add(new Realm(config.realm()));
            all.add(new Nonce(nonce));
            return StunEncoder.encode(StunMessage.of(MessageType.request(method), tid, all),
                    new StunEncoder.Protection(key(), false, true));
        }

        void indication(StunMessage m) {
            server.onStun(link, decode(StunEncoder.encode(m)));
        }

        StunMessage send(byte[] request) {
            server.onStun(link, decode(request));
            byte[] answer = link.take();
            return answer == null ? null : decode(answer);
        }

        byte[] lastRaw;
    }

    static StunMessage decode(byte[] b) {
        try {
            return StunDecoder.decode(b);
        } catch (StunFormatException e) {
            throw new AssertionError(e);
        }
    }
}
