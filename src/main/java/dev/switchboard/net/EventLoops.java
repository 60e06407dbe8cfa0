package dev.switchboard.net;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The process's event loops: one group shared by every listener, epoll where the native transport
 * loads and NIO otherwise. Listeners take their channel classes from here so they match the loops.
 */
public final class EventLoops implements AutoCloseable {
    private final boolean epoll;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    public EventLoops(int workerThreads) {
        this(workerThreads, Epoll.isAvailable() && !Boolean.getBoolean("switchboard.nio"));
    }

    EventLoops(int workerThreads, boolean epoll) {
        this.epoll = epoll;
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sb-accept", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("sb-io", true), factory);
    }

    public boolean epoll() {
        return epoll;
    }

    public EventLoopGroup boss() {
        return boss;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerSocketChannel> serverSocketChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Datagram channels for sockets bound to {@code bindTo}: IPv4 sockets for an IPv4 address, so that
     * sending and receiving skip the IPv4-mapped IPv6 forms a dual-stack socket needs for every
     * datagram; the default (dual-stack IPv6 where the host has it) otherwise.
     */
    public ChannelFactory<DatagramChannel> datagramChannel(InetAddress bindTo) {
        if (!(bindTo instanceof Inet4Address)) {
            return epoll ? EpollDatagramChannel::new : NioDatagramChannel::new;
        }
        return epoll ? () -> new EpollDatagramChannel(SocketProtocolFamily.INET)
                : () -> new NioDatagramChannel(SocketProtocolFamily.INET);
    }

    @Override
    public void close() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
