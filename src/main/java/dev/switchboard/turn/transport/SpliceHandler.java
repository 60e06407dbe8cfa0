package dev.switchboard.turn.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a spliced pair (RFC 6062 section 5.4): bytes read here are written to the other channel
 * as they are, and everything one read loop took is flushed together, in one gathering write: the
 * stream keeps the cuts its sender made (a client that reads what its peer wrote in one piece does not
 * find it split across two segments because a read buffer was smaller than what was waiting), and a busy
 * connection costs one system call per loop turn instead of one per buffer. Reading pauses while the
 * other side cannot take more and resumes when it drains; when either side closes, the other is closed
 * after its pending writes.
 */
final class SpliceHandler extends ChannelInboundHandlerAdapter {
    private final Channel other;
    private boolean unflushed;

    SpliceHandler(Channel other) {
        this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!other.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        other.write(msg, other.voidPromise());
        unflushed = true;
        if (!other.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (unflushed) {
            unflushed = false;
            other.flush();
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && other.isActive()) {
            other.config().setAutoRead(true); // this side drained: the other may read again
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (other.isActive()) {
            other.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
