package dev.switchboard.net.demux;

import dev.switchboard.net.EventLoops;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One TCP listener for several protocols: every connection starts with a {@link PortDemux} that sets
 * up the right pipeline from the first bytes and then leaves.
 */
public final class SharedListener implements AutoCloseable {
    /** How long a new connection may take to send enough bytes (and, on TLS, finish its handshake) to tell. */
    public static final Duration FIRST_BYTES_TIMEOUT = Duration.ofSeconds(30);

    private final EventLoops loops;
    private final PortServices services;
    private Channel channel;

    public SharedListener(EventLoops loops, PortServices services) {
        this.loops = loops;
        this.services = services;
    }

    /** Binds {@code bind}:{@code port} and returns the listening channel. */
    public Channel start(String bind, int port) throws InterruptedException {
        channel = loops.bindTcp(bind, port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("demux", new PortDemux(services, FIRST_BYTES_TIMEOUT));
            }
        });
        return channel;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }
}
