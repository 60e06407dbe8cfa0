package dev.switchboard.web;

import dev.switchboard.net.EventLoops;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The HTTP listener: binds (or {@linkplain #attach attaches} to a port shared with TURN), and gives
 * every connection the {@link HttpPipeline}: a codec, {@link InOrder} (one request answered at a time) and
 * an {@link HttpDispatcher}.
 */
public final class WebServer implements AutoCloseable {
    private final EventLoops loops;
    private final Router router;
    private final Supplier<SslContext> tls;
    private Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ClientLimits limits;
    private final ConnectionsPerIp perIp;

    public WebServer(EventLoops loops, List<Route> routes) {
        this(loops, routes, null);
    }

    /** With {@code tls}, every connection starts with TLS from the context current at accept time. */
    public WebServer(EventLoops loops, List<Route> routes, Supplier<SslContext> tls) {
        this(loops, routes, tls, ClientLimits.DEFAULTS);
    }

    /** With the timeouts and the per-IP connection limit of {@code limits} (see {@link SlowClients}). */
    public WebServer(EventLoops loops, List<Route> routes, Supplier<SslContext> tls, ClientLimits limits) {
        this(loops, new Router(routes), tls, limits);
    }

    /** Serving {@code router}'s routes, which other listeners may share (it is immutable). */
    public WebServer(EventLoops loops, Router router, Supplier<SslContext> tls, ClientLimits limits) {
        this.loops = loops;
        this.router = router;
        this.tls = tls;
        this.limits = limits;
        this.perIp = new ConnectionsPerIp(limits.maxConnectionsPerIp());
    }

    public InetSocketAddress start(String bind, int port) throws InterruptedException {
        channel = loops.bindTcp(bind, port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.get().newHandler(ch.alloc()));
                }
                serve(ch);
            }
        });
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Serves HTTP on {@code ch}: appends the {@link HttpPipeline} (behind the TLS handler a shared port
     * put there, if any) and tracks the connection for {@link #close()}; past the per-IP connection
     * limit it closes it.
     */
    public void serve(Channel ch) {
        if (!perIp.admit(ch)) {
            ch.close(); // this address holds its share of connections already
            return;
        }
        connections.add(ch);
        HttpPipeline.install(ch, limits, router, inFlight);
    }

    /**
     * Uses a listener shared with other protocols (which hands connections to {@link #serve}) instead
     * of binding one: {@link #isUp()} and {@link #stopAccepting()} then refer to it.
     */
    public InetSocketAddress attach(Channel shared) {
        channel = shared;
        return (InetSocketAddress) channel.localAddress();
    }

    public boolean isUp() {
        return channel != null && channel.isActive();
    }

    /** Streamed requests (uploads) in progress. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Stops accepting connections; those open carry on. */
    public void stopAccepting() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        stopAccepting();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
