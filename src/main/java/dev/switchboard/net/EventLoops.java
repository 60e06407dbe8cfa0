package dev.switchboard.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
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
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The process's event loops: one group shared by every listener, on the {@link Transport} chosen at start
 * (io_uring, epoll or NIO). Listeners take their channel classes and transport-specific options from here
 * so they match the loops.
 */
public final class EventLoops implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Placement placement;

    /**
     * On the transport named by {@code -Dswitchboard.transport} / {@code SWITCHBOARD_TRANSPORT}, else the best
     * available; new connections spread over every loop.
     */
    public EventLoops(int workerThreads) {
        this(workerThreads, Transport.fromEnvironment());
    }

    /** The server's loops: transport and {@link Placement} as the system properties or the environment say. */
    public static EventLoops forServer(int workerThreads) {
        return new EventLoops(workerThreads, Transport.fromEnvironment(), Placement.fromEnvironment());
    }

    public EventLoops(int workerThreads, Transport transport) {
        this(workerThreads, transport, Placement.SPREAD);
    }

    public EventLoops(int workerThreads, Transport transport, Placement placement) {
        this.transport = transport;
        IoHandlerFactory factory = switch (transport) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sb-accept", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new ThreadPerTaskExecutor(new DefaultThreadFactory("sb-io", true)),
                placement.chooser(workerThreads), factory);
        this.placement = placement;
    }

    public Placement placement() {
        return placement;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Whether a registered channel can leave its loop for another (deregister, then register): not on
     * io_uring, where moving a datagram channel that has reads in flight never completes (Netty 4.2.18:
     * the relay of a claimed TURN reservation hung there, and its Allocate was never answered).
     */
    public boolean movesChannels() {
        return transport != Transport.IO_URING;
    }

    /** Linux sockets (epoll or io_uring): SO_REUSEPORT and batched datagram reads are there. */
    public boolean linux() {
        return transport.linux();
    }

    public EventLoopGroup boss() {
        return boss;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerSocketChannel> serverSocketChannel() {
        return switch (transport) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> socketChannel() {
        return switch (transport) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** SO_REUSEPORT for Linux sockets (null on NIO, which takes the JDK's socket option instead). */
    public ChannelOption<Boolean> reusePort() {
        return linux() ? UnixChannelOption.SO_REUSEPORT : null;
    }

    /**
     * The option that makes a datagram socket read several datagrams per system call (recvmmsg on epoll,
     * several receive operations per submission on io_uring), each in a slot of this size; null on NIO.
     */
    public ChannelOption<Integer> maxDatagramPayloadSize() {
        return switch (transport) {
            case IO_URING -> IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
            case EPOLL -> EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
            case NIO -> null;
        };
    }

    /**
     * Datagram channels for sockets bound to {@code bindTo}: IPv4 sockets for an IPv4 address, so that
     * sending and receiving skip the IPv4-mapped IPv6 forms a dual-stack socket needs for every
     * datagram; the default (dual-stack IPv6 where the host has it) otherwise.
     */
    public ChannelFactory<DatagramChannel> datagramChannel(InetAddress bindTo) {
        boolean v4 = bindTo instanceof Inet4Address;
        return switch (transport) {
            case IO_URING -> v4 ? () -> new IoUringDatagramChannel(SocketProtocolFamily.INET) : IoUringDatagramChannel::new;
            case EPOLL -> v4 ? () -> new EpollDatagramChannel(SocketProtocolFamily.INET) : EpollDatagramChannel::new;
            case NIO -> v4 ? () -> new NioDatagramChannel(SocketProtocolFamily.INET) : NioDatagramChannel::new;
        };
    }

    /**
     * A TCP listener on these loops as every listener of the process wants it: accept loop and workers,
     * backlog 1024, TCP_NODELAY on each connection, {@code child} set up for every accepted connection.
     */
    public ServerBootstrap tcpServer(ChannelHandler child) {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(child);
    }

    /** Binds {@code tcpServer(child)} to {@code bind}:{@code port} and returns the listening channel. */
    public Channel bindTcp(String bind, int port, ChannelHandler child) throws InterruptedException {
        return tcpServer(child).bind(bind, port).sync().channel();
    }

    @Override
    public void close() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
