package dev.switchboard.turn.transport;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.net.ChannelMove;
import dev.switchboard.net.EventLoops;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.turn.ClientLink;
import dev.switchboard.turn.Relay;
import dev.switchboard.turn.RelayFactory;
import dev.switchboard.turn.RelayReceiver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Binds relay sockets (RFC 8656 section 7.2, step 10): UDP, on the relay address (by default the
 * address the client reached), at a random free port of the configured range, on the client's own
 * event loop so the relay path never crosses threads. XOR-RELAYED-ADDRESS advertises the external
 * address when one is set (server behind NAT).
 */
final class UdpRelays implements RelayFactory {
    /**
     * Room for any UDP datagram (the payload is at most 65507 bytes over IPv4, 65527 over IPv6 without
     * jumbograms), so a datagram is never cut short; buffers come from the channel's pooled allocator
     * and go back to it as soon as the frame is copied out.
     */
    static final int RECEIVE_BUFFER = 65_536;
    private static final int ATTEMPTS = 64;

    private final EventLoops loops;
    private final InetAddress relayAddress;
    private final InetAddress external;
    private final InetAddress hostV4;
    private final InetAddress hostV6;
    private final int min;
    private final int max;

    /** Reads the host's addresses: call at start, not on an event loop. */
    UdpRelays(EventLoops loops, TurnConfig config) throws UnknownHostException {
        this.loops = loops;
        this.relayAddress = config.relayAddress().isEmpty() ? null : InetAddress.getByName(config.relayAddress());
        this.external = config.externalAddress().isEmpty() ? null : InetAddress.getByName(config.externalAddress());
        this.hostV4 = hostAddress(Inet4Address.class);
        this.hostV6 = hostAddress(Inet6Address.class);
        this.min = config.relayPortMin();
        this.max = config.relayPortMax();
    }

    @Override
    public void open(ClientLink link, int family, boolean evenPort, boolean reserveNext, RelayReceiver receiver,
            Opened opened) {
        Addresses at = addresses(link, family);
        if (at == null) {
            opened.failed(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
            return;
        }
        InetAddress bindTo = at.bindTo();
        InetAddress advertise = at.advertise();
        EventLoop loop = link instanceof LoopBound lb ? lb.eventLoop() : loops.workers().next();
        int span = max - min + 1;
        int start = min + ThreadLocalRandom.current().nextInt(span);
        if (evenPort && (start & 1) == 1) {
            start = start + 1 > max ? start - 1 : start + 1;
        }
        if (reserveNext && start == max) {
            start = min + (min & 1);
        }
        attempt(loop, bindTo, advertise, start, evenPort ? 2 : 1, reserveNext, 0, receiver, opened);
    }

    /** Where a relay for {@code link} binds and what it advertises. */
    record Addresses(InetAddress bindTo, InetAddress advertise) {}

    /** The relay addresses of {@code family} for {@code link}, or null when the host has none of that family. */
    Addresses addresses(ClientLink link, int family) {
        InetAddress local = link.fiveTuple().server().getAddress();
        InetAddress bindTo;
        if (relayAddress != null) {
            bindTo = family(relayAddress) == family ? relayAddress : null;
        } else if (local.isAnyLocalAddress()) {
            bindTo = wildcard(family);
        } else {
            bindTo = family(local) == family ? local : null;
        }
        if (bindTo == null) {
            return null;
        }
        InetAddress advertise = external != null && family(external) == family ? external
                : !bindTo.isAnyLocalAddress() ? bindTo
                : family == TransportAddress.FAMILY_IPV4 ? hostV4 : hostV6;
        return advertise == null ? null : new Addresses(bindTo, advertise);
    }

    int portMin() {
        return min;
    }

    int portMax() {
        return max;
    }

    private void attempt(EventLoop loop, InetAddress bindTo, InetAddress advertise, int port, int step,
            boolean reserveNext, int tries, RelayReceiver receiver, Opened opened) {
        if (tries >= ATTEMPTS || tries >= (max - min + 1) / step) {
            opened.failed(ErrorCode.INSUFFICIENT_CAPACITY);
            return;
        }
        Runnable retry = () -> {
            int next = port + step;
            if (next > max - (reserveNext ? 1 : 0)) {
                next = step == 2 ? min + (min & 1) : min;
            }
            attempt(loop, bindTo, advertise, next, step, reserveNext, tries + 1, receiver, opened);
        };
        bind(loop, bindTo, port, receiver).addListener((io.netty.channel.ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                retry.run();
                return;
            }
            UdpRelay relay = new UdpRelay(f.channel(), new InetSocketAddress(advertise, port), loops.movesChannels());
            if (!reserveNext) {
                opened.relay(relay, null);
                return;
            }
            bind(loop, bindTo, port + 1, null).addListener((io.netty.channel.ChannelFutureListener) g -> {
                if (g.isSuccess()) {
                    opened.relay(relay, new UdpRelay(g.channel(), new InetSocketAddress(advertise, port + 1),
                            loops.movesChannels()));
                } else {
                    relay.close();
                    retry.run();
                }
            });
        });
    }

    private io.netty.channel.ChannelFuture bind(EventLoop loop, InetAddress address, int port, RelayReceiver receiver) {
        return new Bootstrap().group(loop).channelFactory(loops.datagramChannel(address))
                // one datagram per wake-up: a relay mostly has one waiting, and reading on until EAGAIN cost
                // one more recvmsg per datagram (+1 system call and about +10 % CPU per echoed message
                // in bench/turn-bench.sh); the listener, shared by many clients, reads up to 16
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
                .handler(new RelayHandler(receiver))
                .bind(address, port);
    }

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? TransportAddress.FAMILY_IPV4 : TransportAddress.FAMILY_IPV6;
    }

    private static InetAddress wildcard(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == TransportAddress.FAMILY_IPV4 ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first global (else site-local) address of this family on an interface that is up, or null. */
    private static InetAddress hostAddress(Class<? extends InetAddress> kind) {
        InetAddress siteLocal = null;
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!kind.isInstance(a) || a.isLinkLocalAddress() || a.isLoopbackAddress()) {
                        continue;
                    }
                    if (!a.isSiteLocalAddress()) {
                        return a;
                    }
                    if (siteLocal == null) {
                        siteLocal = a;
                    }
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return siteLocal;
    }

    /** One bound relay socket. */
    static final class UdpRelay implements Relay {
        private final Channel channel;
        private final InetSocketAddress advertised;
        /** Whether the socket may move to its owner's loop (else it stays, and relays across loops). */
        private final boolean movable;

        UdpRelay(Channel channel, InetSocketAddress advertised, boolean movable) {
            this.channel = channel;
            this.advertised = advertised;
            this.movable = movable;
        }

        @Override
        public InetSocketAddress advertised() {
            return advertised;
        }

        @Override
        public void send(InetSocketAddress peer, io.netty.buffer.ByteBuf payload) {
            channel.writeAndFlush(new io.netty.channel.socket.DatagramPacket(payload, peer), channel.voidPromise());
        }

        @Override
        public void attach(ClientLink owner, RelayReceiver receiver, Opened attached) {
            channel.pipeline().get(RelayHandler.class).attach(receiver);
            EventLoop target = owner instanceof LoopBound lb ? lb.eventLoop() : null;
            if (target == null || target == channel.eventLoop() || !movable) {
                // Staying on another loop is safe (the allocation's state is read across loops), one
                // thread hop dearer per relayed datagram.
                attached.relay(this, null);
                return;
            }
            // Nothing flows yet (the owner learns the relay from the answer sent by attached), so the
            // socket can leave its loop and join the owner's; datagrams wait in the kernel meanwhile.
            ChannelMove.move(channel, target, () -> attached.relay(this, null),
                    () -> target.execute(() -> attached.failed(ErrorCode.INSUFFICIENT_CAPACITY)));
        }

        /** The loop this relay's socket is registered on. */
        EventLoop eventLoop() {
            return channel.eventLoop();
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
