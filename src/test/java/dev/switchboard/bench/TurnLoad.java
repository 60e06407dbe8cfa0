package dev.switchboard.bench;

import dev.switchboard.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * TURN relay load: {@code n} UDP allocations (one socket each, on the load generator's event loops), each
 * bound to a channel towards one loopback echo peer and sending one small ChannelData datagram every
 * pace; the peer sends every datagram back through the relay and the client records the round trip.
 * Counters are shared by all allocations.
 */
final class TurnLoad {
    /** Allocations being set up at once (Allocate, challenge, Allocate, ChannelBind). */
    private static final int SETUP_CONCURRENCY = 100;

    final int paceMillis;
    final String user;
    final String password;
    final RttHistogram rtt = new RttHistogram();
    final LongAdder sent = new LongAdder();
    final LongAdder echoed = new LongAdder();
    /** Echoes that came back out of order or twice (sequence number not above the last one seen). */
    final LongAdder reordered = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder retransmits = new LongAdder();
    /** Error answers other than the nonce challenge (401 before the first signed request, 438). */
    final LongAdder errorAnswers = new LongAdder();
    /** Requests unanswered after every retransmission. */
    final LongAdder timeouts = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder peerEchoes = new LongAdder();
    volatile boolean sending = true;
    volatile String firstError;
    private final EventLoops loops;
    private final List<TurnLoadClient> clients = new ArrayList<>();
    private Channel peer;

    TurnLoad(EventLoops loops, int paceMillis, String user, String password) {
        this.loops = loops;
        this.paceMillis = paceMillis;
        this.user = user;
        this.password = password;
    }

    void error(String what) {
        if (firstError == null) {
            firstError = what;
        }
    }

    /** Starts the echo peer and {@code n} allocations against {@code server}; returns when all are bound. */
    void start(InetSocketAddress server, int n) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        peer = udp(new EchoPeer()).bind(lo, 0).sync().channel();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.localAddress();
        Semaphore inFlight = new Semaphore(SETUP_CONCURRENCY);
        List<CompletableFuture<TurnLoadClient>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            TurnLoadClient c = new TurnLoadClient(this, server, peerAddress);
            clients.add(c);
            c.bound.whenComplete((v, e) -> inFlight.release());
            all.add(c.bound);
            udp(c).bind(lo, 0).addListener(f -> {
                if (!f.isSuccess()) {
                    c.bound.completeExceptionally(f.cause());
                }
            });
        }
        int ok = 0;
        Throwable first = null;
        for (CompletableFuture<TurnLoadClient> f : all) {
            try {
                f.get(60, TimeUnit.SECONDS);
                ok++;
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (ok < n) {
            throw new IllegalStateException("only " + ok + " of " + n + " allocations bound", first);
        }
    }

    /** Allocations with a datagram sent whose echo has not come back (at most one each at a time). */
    long outstanding() {
        return sent.sum() - echoed.sum() - reordered.sum();
    }

    /** Stops sending, closes every allocation's socket (the server lets its allocations expire) and the peer. */
    void close() throws InterruptedException {
        sending = false;
        for (TurnLoadClient c : clients) {
            c.close();
        }
        if (peer != null) {
            peer.close().await(5, TimeUnit.SECONDS);
        }
    }

    private Bootstrap udp(io.netty.channel.ChannelHandler handler) {
        return new Bootstrap().group(loops.workers()).channelFactory(loops.datagramChannel(InetAddress.getLoopbackAddress()))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(handler);
    }

    /** The peer behind every relay: sends each datagram back to where it came from (the relay address). */
    private final class EchoPeer extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            peerEchoes.increment();
            ctx.write(new DatagramPacket(p.content().retain(), p.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.increment();
            error("echo peer: " + cause);
        }
    }
}
