package dev.switchboard.web;

import dev.switchboard.net.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.net.InetSocketAddress;
import java.util.List;

/** The HTTP listener: binds, and gives every connection a codec and an {@link HttpDispatcher}. */
public final class WebServer implements AutoCloseable {
    private final EventLoops loops;
    private final List<Route> routes;
    private Channel channel;

    public WebServer(EventLoops loops, List<Route> routes) {
        this.loops = loops;
        this.routes = List.copyOf(routes);
    }

    public InetSocketAddress start(String bind, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.boss(), loops.workers())
                .channel(loops.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec(8192, 16384, 65536))
                                .addLast("continue", new HttpServerExpectContinueHandler())
                                .addLast("dispatch", new HttpDispatcher(routes));
                    }
                });
        channel = b.bind(bind, port).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    public boolean isUp() {
        return channel != null && channel.isActive();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }
}
