package dev.switchboard.bench;

import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.Integrity;
import dev.switchboard.stun.Lifetime;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.Nonce;
import dev.switchboard.stun.Realm;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.StunAttribute;
import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunFormatException;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.Username;
import dev.switchboard.stun.XorPeerAddress;
import dev.switchboard.stun.XorRelayedAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One TURN allocation of {@link TurnLoad}, non-blocking, on its channel's event loop: Allocate (taking
 * the nonce from the 401 challenge, asking for an hour), ChannelBind to the echo peer, then a 16-byte
 * ChannelData datagram (sequence number, send time) every pace. Every {@link #REFRESH_SECONDS} it binds
 * the channel again (which refreshes the permission too) and refreshes the allocation, as a long-lived
 * client must (permissions live 5 minutes, nonces 10). Requests are retransmitted as RFC 8489 says
 * (500 ms doubling, 7 sends); one unanswered after all of them is a timeout.
 */
final class TurnLoadClient extends SimpleChannelInboundHandler<DatagramPacket> {
    static final int CHANNEL = 0x4000;
    static final String REALM = "switchboard";
    static final long REFRESH_SECONDS = 120;
    private static final int MAX_SENDS = 7;

    final CompletableFuture<TurnLoadClient> bound = new CompletableFuture<>();
    private final TurnLoad load;
    private final InetSocketAddress server;
    private final InetSocketAddress peer;
    private Channel channel;
    private String nonce;
    private byte[] key;
    private long seq;
    private long lastEchoed = -1;
    private Pending pending;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> refresher;

    /** The request in flight (one at a time): what to send again and what to do with the answer. */
    private record Pending(int method, List<StunAttribute> attrs, TransactionId tid, ByteBuf datagram,
                           Consumer<StunMessage> onSuccess, int sends, boolean challenged, ScheduledFuture<?> timer) {}

    TurnLoadClient(TurnLoad load, InetSocketAddress server, InetSocketAddress peer) {
        this.load = load;
        this.server = server;
        this.peer = peer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        request(StunMethod.ALLOCATE, List.of(new RequestedTransport(RequestedTransport.UDP), new Lifetime(3600)),
                this::allocated);
    }

    private void allocated(StunMessage answer) {
        if (answer.get(XorRelayedAddress.class) == null) {
            fail("Allocate answer without XOR-RELAYED-ADDRESS");
            return;
        }
        request(StunMethod.CHANNEL_BIND, bindAttrs(), m -> {
            bound.complete(this);
            long pace = load.paceMillis;
            ticker = channel.eventLoop().scheduleAtFixedRate(this::tick,
                    ThreadLocalRandom.current().nextLong(pace), pace, TimeUnit.MILLISECONDS);
            refresher = channel.eventLoop().scheduleAtFixedRate(this::refresh,
                    REFRESH_SECONDS * 1000 + ThreadLocalRandom.current().nextLong(10_000),
                    REFRESH_SECONDS * 1000, TimeUnit.MILLISECONDS);
        });
    }

    private List<StunAttribute> bindAttrs() {
        return List.of(new ChannelNumber(CHANNEL), new XorPeerAddress(TransportAddress.of(peer)));
    }

    private void refresh() {
        if (pending != null || !channel.isActive()) {
            return;
        }
        request(StunMethod.CHANNEL_BIND, bindAttrs(),
                m -> request(StunMethod.REFRESH, List.of(new Lifetime(3600)), r -> { }));
    }

    private void tick() {
        if (!load.sending || !channel.isActive()) {
            return;
        }
        ByteBuf b = channel.alloc().directBuffer(20);
        b.writeShort(CHANNEL).writeShort(16).writeLong(seq++).writeLong(System.nanoTime());
        load.sent.increment();
        channel.writeAndFlush(new DatagramPacket(b, server), channel.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
        ByteBuf b = p.content();
        if (b.readableBytes() < 4) {
            unexpected("a datagram of " + b.readableBytes() + " bytes");
            return;
        }
        int first = b.getUnsignedByte(b.readerIndex());
        if ((first & 0xC0) == 0x40) {
            onChannelData(b);
        } else if (first < 4) {
            onStun(b);
        } else {
            unexpected("a datagram starting with " + first);
        }
    }

    private void onChannelData(ByteBuf b) {
        int r = b.readerIndex();
        if (b.getUnsignedShort(r) != CHANNEL || b.getUnsignedShort(r + 2) != 16 || b.readableBytes() < 20) {
            unexpected("ChannelData " + ByteBufUtil.hexDump(b, r, Math.min(8, b.readableBytes())));
            return;
        }
        long s = b.getLong(r + 4);
        long sentAt = b.getLong(r + 12);
        load.rtt.record(System.nanoTime() - sentAt);
        if (s > lastEchoed) {
            lastEchoed = s;
            load.echoed.increment();
        } else {
            load.reordered.increment();
        }
    }

    private void onStun(ByteBuf b) {
        StunMessage m;
        try {
            m = StunDecoder.decode(ByteBufUtil.getBytes(b));
        } catch (StunFormatException e) {
            unexpected("undecodable STUN: " + e.getMessage());
            return;
        }
        Pending p = pending;
        if (p == null || !m.transactionId().equals(p.tid())) {
            return; // an answer to a retransmission already answered
        }
        if (m.messageClass() == MessageClass.SUCCESS) {
            finish(p);
            p.onSuccess().accept(m);
            return;
        }
        ErrorCode e = m.get(ErrorCode.class);
        Nonce fresh = m.get(Nonce.class);
        boolean challenge = e != null && fresh != null && !p.challenged()
                && (e.code() == ErrorCode.STALE_NONCE || (e.code() == ErrorCode.UNAUTHENTICATED && key == null));
        finish(p);
        if (challenge) {
            nonce = fresh.value();
            key = Integrity.longTermKey(load.user, REALM, load.password);
            send(p.method(), p.attrs(), p.onSuccess(), true);
            return;
        }
        load.errorAnswers.increment();
        fail("method " + p.method() + " answered " + (e == null ? m : e.code() + " " + e.reason()));
    }

    private void request(int method, List<StunAttribute> attrs, Consumer<StunMessage> onSuccess) {
        send(method, attrs, onSuccess, false);
    }

    private void send(int method, List<StunAttribute> attrs, Consumer<StunMessage> onSuccess, boolean challenged) {
        List<StunAttribute> all = new ArrayList<>(attrs);
        StunEncoder.Protection protection = StunEncoder.Protection.NONE;
        if (key != null) {
            all.addAll(List.of(new Username(load.user), new Realm(REALM), new Nonce(nonce)));
            protection = new StunEncoder.Protection(key, false, true);
        }
        TransactionId tid = TransactionId.random();
        ByteBuf datagram = Unpooled.wrappedBuffer(StunEncoder.encode(StunMessage.of(MessageType.request(method), tid, all),
                protection));
        load.requests.increment();
        transmit(new Pending(method, attrs, tid, datagram, onSuccess, 0, challenged, null));
    }

    private void transmit(Pending p) {
        long rto = 500L << p.sends();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> retransmit(p.tid()), rto, TimeUnit.MILLISECONDS);
        pending = new Pending(p.method(), p.attrs(), p.tid(), p.datagram(), p.onSuccess(), p.sends() + 1,
                p.challenged(), timer);
        channel.writeAndFlush(new DatagramPacket(p.datagram().retainedDuplicate(), server), channel.voidPromise());
    }

    private void retransmit(TransactionId tid) {
        Pending p = pending;
        if (p == null || !p.tid().equals(tid) || !channel.isActive()) {
            return;
        }
        if (p.sends() >= MAX_SENDS) {
            finish(p);
            load.timeouts.increment();
            fail("method " + p.method() + " unanswered after " + MAX_SENDS + " sends");
            return;
        }
        load.retransmits.increment();
        transmit(p);
    }

    private void finish(Pending p) {
        pending = null;
        p.timer().cancel(false);
        p.datagram().release();
    }

    private void unexpected(String what) {
        load.failures.increment();
        load.error("unexpected " + what);
    }

    private void fail(String why) {
        load.error(why);
        bound.completeExceptionally(new IllegalStateException(why));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        load.failures.increment();
        load.error(String.valueOf(cause));
    }

    void close() throws InterruptedException {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        ch.eventLoop().submit(() -> {
            if (ticker != null) {
                ticker.cancel(false);
                refresher.cancel(false);
            }
            if (pending != null) {
                finish(pending);
            }
        }).await(5, TimeUnit.SECONDS);
        ch.close().await(5, TimeUnit.SECONDS);
    }
}
