package dev.switchboard.turn.transport;

import dev.switchboard.net.EventLoops;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.turn.ClientLink;
import dev.switchboard.turn.RelayFactory;
import dev.switchboard.turn.RelayReceiver;
import dev.switchboard.turn.TcpRelay;
import dev.switchboard.turn.TcpRelayFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Binds TCP relays (RFC 6062 section 5.1): a listening socket at a free port of the relay range, on the
 * client's event loop. Connections to peers leave from the relayed transport address itself (section
 * 5.2): the listener and each outgoing socket set SO_REUSEPORT (on epoll through the channel's native
 * socket, as Netty offers no option for client sockets), so peers can tell which relay is calling.
 * Peer connections are held unread until spliced to a client data connection; closing the relay
 * closes them all.
 */
final class TcpRelays implements TcpRelayFactory {
    private static final int ATTEMPTS = 64;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoops loops;
    private final UdpRelays addresses;

    TcpRelays(EventLoops loops, UdpRelays addresses) {
        this.loops = loops;
        this.addresses = addresses;
    }

    @Override
    public void listen(ClientLink link, int family, TcpRelay.Accepted accepted, RelayFactory.Opened opened) {
        UdpRelays.Addresses at = addresses.addresses(link, family);
        if (at == null) {
            opened.failed(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
            return;
        }
        EventLoop loop = link instanceof LoopBound lb ? lb.eventLoop() : loops.workers().next();
        int min = addresses.portMin();
        int span = addresses.portMax() - min + 1;
        attempt(loop, at, min + ThreadLocalRandom.current().nextInt(span), 0, accepted, opened);
    }

    private void attempt(EventLoop loop, UdpRelays.Addresses at, int port, int tries, TcpRelay.Accepted accepted,
            RelayFactory.Opened opened) {
        int min = addresses.portMin();
        int max = addresses.portMax();
        if (tries >= ATTEMPTS || tries > max - min) {
            opened.failed(ErrorCode.INSUFFICIENT_CAPACITY);
            return;
        }
        ChannelGroup peers = new DefaultChannelGroup(loop);
        ServerBootstrap b = new ServerBootstrap().group(loop, loop).channel(loops.serverSocketChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        peers.add(ch);
                        accepted.accepted(new PeerChannel(ch));
                    }
                });
        if (loops.linux()) {
            b.option(loops.reusePort(), true);
        } else {
            b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
        b.bind(at.bindTo(), port).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                opened.relay(new Listening(f.channel(), new InetSocketAddress(at.advertise(), port), peers), null);
            } else {
                attempt(loop, at, port == max ? min : port + 1, tries + 1, accepted, opened);
            }
        });
    }

    /** SO_REUSEPORT on an epoll client socket, before it binds (NIO sockets take the channel option). */
    private static void reusePort(SocketChannel ch) throws java.io.IOException {
        if (ch instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            socket.setReusePort(true);
        }
    }

    /** One listening TCP relay and the peer connections made through it. */
    private final class Listening implements TcpRelay {
        private final Channel listener;
        private final InetSocketAddress advertised;
        private final ChannelGroup peers;

        Listening(Channel listener, InetSocketAddress advertised, ChannelGroup peers) {
            this.listener = listener;
            this.advertised = advertised;
            this.peers = peers;
        }

        @Override
        public InetSocketAddress advertised() {
            return advertised;
        }

        @Override
        public void connect(InetSocketAddress peer, Connected connected) {
            InetSocketAddress local = (InetSocketAddress) listener.localAddress();
            Bootstrap b = new Bootstrap().group(listener.eventLoop()).channel(loops.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) throws java.io.IOException {
                            reusePort(ch); // handlers come with the splice
                        }
                    });
            if (!loops.linux()) {
                b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
            }
            ChannelFuture f = b.connect(peer, local);
            f.addListener((ChannelFutureListener) done -> {
                if (done.isSuccess() && listener.isOpen()) {
                    peers.add(done.channel());
                    connected.connected(new PeerChannel(done.channel()));
                } else {
                    done.channel().close();
                    connected.failed();
                }
            });
        }

        @Override
        public void send(InetSocketAddress peer, ByteBuf payload) {
            payload.release(); // no datagrams on a TCP relay
        }

        @Override
        public void attach(ClientLink owner, RelayReceiver receiver, RelayFactory.Opened attached) {
            // never reserved: TCP relays take no EVEN-PORT
            close();
            attached.failed(ErrorCode.INSUFFICIENT_CAPACITY);
        }

        @Override
        public void close() {
            listener.close();
            peers.close();
        }
    }

    /** A peer's TCP connection, unread until spliced. */
    record PeerChannel(Channel channel) implements dev.switchboard.turn.PeerConnection {
        @Override
        public InetSocketAddress peer() {
            return (InetSocketAddress) channel.remoteAddress();
        }

        @Override
        public boolean isOpen() {
            return channel.isActive();
        }

        @Override
        public void close() {
            channel.close();
        }
    }

}
