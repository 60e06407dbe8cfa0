package dev.switchboard.net.demux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A handler that holds a connection's first bytes until it knows the protocol, then sets up that
 * protocol's handlers behind itself and leaves the pipeline; the bytes it held are passed on as they
 * came (ByteToMessageDecoder hands its cumulation to the next handler when removed). A connection that
 * has not told within the timeout (a silent or very slow client) is closed.
 */
abstract class Demux extends ByteToMessageDecoder {
    /** How long the connection may take to tell its protocol. */
    final Duration timeout;
    private ScheduledFuture<?> timer;

    Demux(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        timer = ctx.executor().schedule(() -> ctx.close(), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (timer != null) {
            timer.cancel(false);
        }
        super.handlerRemoved0(ctx);
    }

    /** Appends {@code protocol}'s handlers and leaves; without one (not served here), closes. */
    final void handOver(ChannelHandlerContext ctx, ByteBuf in, Installer protocol) {
        if (protocol == null) {
            reject(ctx, in);
            return;
        }
        protocol.install(ctx.channel());
        ctx.pipeline().remove(this);
    }

    /** Drops what was read and closes: nothing on this port speaks it. */
    static void reject(ChannelHandlerContext ctx, ByteBuf in) {
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a failed TLS handshake or a reset before the protocol was known: nothing to answer
        ctx.close();
    }
}
