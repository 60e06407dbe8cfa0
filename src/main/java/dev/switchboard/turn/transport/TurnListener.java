package dev.switchboard.turn.transport;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.net.EventLoops;
import dev.switchboard.turn.FiveTuple;
import dev.switchboard.turn.Ticker;
import dev.switchboard.turn.TurnServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * The STUN/TURN listeners on one port: UDP (one socket per event loop with SO_REUSEPORT where epoll is
 * available, so clients spread over the loops) and TCP (its own, or a listener shared with HTTP that
 * hands connections over), plus the once-a-second expiry sweep.
 */
public final class TurnListener implements AutoCloseable {
    private static final int IDLE_SECONDS = 30;
    /** Datagrams per recvmmsg on a listener socket. */
    static final int BATCH = 8;

    private final EventLoops loops;
    private final TurnConfig config;
    private final TurnServer server;
    private final List<Channel> channels = new ArrayList<>();
    private ScheduledFuture<?> sweeper;
    private int port;
    private int tlsBound;

    public TurnListener(EventLoops loops, TurnConfig config, byte[] secret) throws java.net.UnknownHostException {
        this.loops = loops;
        this.config = config;
        UdpRelays udp = new UdpRelays(loops, config);
        this.server = new TurnServer(config, secret, Ticker.SYSTEM, udp,
                config.tcpRelay() ? new TcpRelays(loops, udp) : null);
    }

    /** Binds UDP and TCP on {@code bind}:{@code config.port()} and returns the port. */
    public int start(String bind) throws InterruptedException {
        return start(bind, true);
    }

    /**
     * Binds UDP on {@code bind}:{@code config.port()}, and TCP there too unless {@code tcp} is false (a
     * listener shared with other protocols then hands TCP connections to {@link #serveTcp}); returns the port.
     */
    public int start(String bind, boolean tcp) throws InterruptedException {
        // One socket per loop, each registered on its own loop (not where new connections are placed).
        List<EventLoop> socketLoops = new ArrayList<>();
        for (EventExecutor e : loops.workers()) {
            socketLoops.add((EventLoop) e);
            if (!loops.linux()) {
                break; // NIO has no SO_REUSEPORT: one socket
            }
        }
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(bind);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the TURN bind address " + bind, e);
        }
        for (EventLoop loop : socketLoops) {
            Bootstrap b = new Bootstrap().group(loop).channelFactory(loops.datagramChannel(bindAddress))
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    .option(ChannelOption.SO_SNDBUF, 1 << 20)
                    // many clients share this socket: read what is queued (up to 16) per wake-up, not one
                    // datagram per loop turn (an allocator set as an option starts at one message per read)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(UdpRelays.RECEIVE_BUFFER * BATCH).maxMessagesPerRead(16))
                    .handler(new UdpHandler(server));
            if (loops.linux()) {
                // recvmmsg: up to BATCH datagrams per system call, each in its own 64 KiB slot of one
                // buffer (so none is cut short); UdpHandler copies payloads out, so the buffer goes back
                // to the pool as soon as the batch is handled
                b.option(loops.maxDatagramPayloadSize(), UdpRelays.RECEIVE_BUFFER);
                // several sockets on one port, one per loop
                b.option(loops.reusePort(), true);
            }
            channels.add(b.bind(bindAddress, config.port()).sync().channel());
        }
        port = ((InetSocketAddress) channels.get(0).localAddress()).getPort();
        if (tcp) {
            channels.add(streamBootstrap(null, FiveTuple.Protocol.TCP).bind(bind, port).sync().channel());
        }
        sweeper = loops.workers().next().scheduleAtFixedRate(server::sweep, 1, 1, TimeUnit.SECONDS);
        return port;
    }

    /**
     * TURN over TLS (TURNS, RFC 8656 section 3.1) on {@code port}: the TCP framing behind a TLS handler
     * made from the context current at accept time. Returns the bound port.
     */
    public int startTls(String bind, int tlsPort, Supplier<SslContext> tls) throws InterruptedException {
        ServerBootstrap b = streamBootstrap(tls, FiveTuple.Protocol.TLS);
        Channel c = b.bind(bind, tlsPort).sync().channel();
        channels.add(c);
        tlsBound = ((InetSocketAddress) c.localAddress()).getPort();
        return tlsBound;
    }

    /**
     * TURNS on a port shared with other protocols, whose listener hands TLS connections that carry TURN
     * to {@link #serveTls}: only recorded, for {@link #tlsPort()}.
     */
    public void sharesTlsPort(int tlsPort) {
        tlsBound = tlsPort;
    }

    /** TCP (and, with {@code tls}, TLS) client connections: STUN/ChannelData framing over a stream. */
    private ServerBootstrap streamBootstrap(Supplier<SslContext> tls, FiveTuple.Protocol protocol) {
        return loops.tcpServer(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.get().newHandler(ch.alloc()));
                        }
                        serve(ch, protocol);
                    }
                });
    }

    /** TURN over TCP on a connection accepted by a shared listener (and every one of ours). */
    public void serveTcp(Channel ch) {
        serve(ch, FiveTuple.Protocol.TCP);
    }

    /** TURN on a connection whose TLS handler a shared listener already set up. */
    public void serveTls(Channel ch) {
        serve(ch, FiveTuple.Protocol.TLS);
    }

    private void serve(Channel ch, FiveTuple.Protocol protocol) {
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0))
                .addLast("frames", new TcpFramer())
                .addLast("turn", new TcpHandler(server, protocol));
    }

    public int tlsPort() {
        return tlsBound;
    }

    public int port() {
        return port;
    }

    public TurnServer server() {
        return server;
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (Channel c : channels) {
            c.close().awaitUninterruptibly();
        }
        server.close();
    }
}
