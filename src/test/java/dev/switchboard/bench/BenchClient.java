package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark connection speaking Engine.IO v4 / Socket.IO v5 by hand over a WebSocket: answers
 * pings, connects to the main namespace ("40") and, unless idle, joins its codelab room. In a pair,
 * the {@link Role#CALLER} sends an ICE-candidate-sized {@code message} carrying its send time, the
 * {@link Role#ANSWERER} sends the same message back, and the caller records the round trip and sends
 * the next one (after {@link Load#paceMillis}, if any).
 */
final class BenchClient extends SimpleChannelInboundHandler<WebSocketFrame> {
    enum Role { CALLER, ANSWERER, IDLE }

    /** A codelab client's ICE candidate, as the codelab page sends it, minus the leading send time. */
    static final String CANDIDATE_TAIL = ",\"type\":\"candidate\",\"label\":0,\"id\":\"0\",\"candidate\":"
            + "\"candidate:842163049 1 udp 1677729535 203.0.113.7 49203 typ srflx raddr 192.168.1.23 rport 49203 "
            + "generation 0 ufrag sXr5 network-id 1 network-cost 10\"}]";
    private static final String MESSAGE_HEAD = "42[\"message\",{\"t\":";

    final Role role;
    final String room;
    private final Load load;
    /** Completes when the client is ready: connected (idle) or told the room is ready (pair). */
    final CompletableFuture<BenchClient> ready = new CompletableFuture<>();
    private volatile Channel channel;
    /** When the caller's message in flight was sent (System.nanoTime), 0 when none is. */
    private volatile long sentAt;

    BenchClient(Role role, String room, Load load) {
        this.role = role;
        this.room = room;
        this.load = load;
    }

    Channel channel() {
        return channel;
    }

    /** When the caller's message in flight was sent (System.nanoTime), 0 when none is in flight. */
    long sentAt() {
        return sentAt;
    }

    /** Starts the caller's loop (after a random offset within the pace, so pairs do not march together). */
    void start() {
        Channel ch = channel;
        if (role != Role.CALLER || ch == null) {
            return;
        }
        if (load.paceMillis > 0) {
            ch.eventLoop().schedule(this::sendNext, ThreadLocalRandom.current().nextLong(load.paceMillis * 1000L),
                    TimeUnit.MICROSECONDS);
        } else {
            ch.eventLoop().execute(this::sendNext);
        }
    }

    private void sendNext() {
        Channel ch = channel;
        if (!load.running || load.draining || ch == null || !ch.isActive()) {
            return;
        }
        long now = System.nanoTime();
        sentAt = now;
        String text = MESSAGE_HEAD + now + CANDIDATE_TAIL;
        ch.writeAndFlush(new TextWebSocketFrame(text), ch.voidPromise());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!ready.isDone()) {
            ready.completeExceptionally(new IllegalStateException("closed before ready"));
        } else if (load.running) {
            load.unexpectedCloses.increment();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        load.failures.increment();
        if (load.firstError == null) {
            load.firstError = String.valueOf(cause);
        }
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame)) {
            return;
        }
        ByteBuf b = frame.content();
        int len = b.readableBytes();
        if (len == 0) {
            return;
        }
        byte type = b.getByte(b.readerIndex());
        if (type == '2' && len == 1) {
            ctx.writeAndFlush(new TextWebSocketFrame("3"), ctx.voidPromise());
            return;
        }
        if (type == '0') {
            ctx.writeAndFlush(new TextWebSocketFrame("40"), ctx.voidPromise());
            return;
        }
        if (type != '4' || len < 2) {
            return;
        }
        byte sio = b.getByte(b.readerIndex() + 1);
        if (sio == '0') {
            if (role == Role.IDLE) {
                ready.complete(this);
            } else {
                ctx.writeAndFlush(new TextWebSocketFrame("42[\"create or join\",\"" + room + "\"]"), ctx.voidPromise());
            }
            return;
        }
        if (sio != '2') {
            load.otherPackets.increment();
            return;
        }
        if (startsWith(b, MESSAGE_HEAD_BYTES)) {
            onMessage(ctx, b);
        } else if (startsWith(b, READY)) {
            ready.complete(this);
        } else if (startsWith(b, ERROR)) {
            load.errors.increment();
            if (load.firstError == null) {
                load.firstError = b.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private void onMessage(ChannelHandlerContext ctx, ByteBuf b) {
        if (load.measuring) {
            load.relayed.increment();
        }
        if (role == Role.ANSWERER) {
            if (load.running) {
                ctx.writeAndFlush(new TextWebSocketFrame(b.retainedDuplicate()), ctx.voidPromise());
            }
            return;
        }
        sentAt = 0;
        long sent = parseTime(b);
        long now = System.nanoTime();
        if (load.measuring && sent > 0) {
            load.rtt.record(now - sent);
        }
        if (load.paceMillis > 0) {
            ctx.channel().eventLoop().schedule(this::sendNext, load.paceMillis, TimeUnit.MILLISECONDS);
        } else {
            sendNext();
        }
    }

    private static final byte[] MESSAGE_HEAD_BYTES = MESSAGE_HEAD.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] READY = "42[\"ready\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "42[\"error\"".getBytes(StandardCharsets.US_ASCII);

    private static boolean startsWith(ByteBuf b, byte[] prefix) {
        if (b.readableBytes() < prefix.length) {
            return false;
        }
        int r = b.readerIndex();
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(r + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The send time after {@code {"t":}; -1 when absent (a server that reordered the fields). */
    private static long parseTime(ByteBuf b) {
        int i = b.readerIndex() + MESSAGE_HEAD_BYTES.length;
        int end = b.writerIndex();
        long v = 0;
        int digits = 0;
        boolean negative = i < end && b.getByte(i) == '-';
        if (negative) {
            i++;
        }
        for (; i < end; i++) {
            byte c = b.getByte(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            digits++;
        }
        if (digits == 0) {
            return -1;
        }
        return negative ? -v : v;
    }

}
