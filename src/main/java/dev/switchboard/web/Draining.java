package dev.switchboard.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one rule for answering a request before its body is read (404, 405, 401/403, 413, 415, 503...):
 * a request that has no body is answered as any other (the connection stays open when it may); one
 * that has, or may have, a body is answered with {@code Connection: close}, and the rest of the body is
 * read and dropped here, the connection closing once the body has ended, or {@link #LIMIT} more bytes or
 * {@link #SECONDS} have passed. Closing while the client is still sending would make its TCP stack drop
 * our answer on the reset. Lives on the channel's event loop.
 */
public final class Draining implements StreamingHandler.Body {
    static final long LIMIT = 8L << 20;
    static final long SECONDS = 10;

    private final ChannelFuture answered;
    private final ScheduledFuture<?> timer;
    private long dropped;
    private boolean closing;

    private Draining(ChannelFuture answered, Channel channel) {
        this.answered = answered;
        this.timer = channel.eventLoop().schedule(() -> close(), SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Answers {@code req} early with {@code res}: drains the body if the head announces one (returns the
     * body that does so), else sends {@code res} as usual and returns null (nothing follows the head).
     */
    public static Draining answer(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        if (!HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0) {
            HttpResponses.send(ctx, req, res);
            return null;
        }
        return answer(ctx, res);
    }

    /** Sends {@code res} and drains what remains of a body that has begun (or may follow). */
    public static Draining answer(ChannelHandlerContext ctx, FullHttpResponse res) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.channel().config().setAutoRead(true);
        return new Draining(ctx.writeAndFlush(res), ctx.channel());
    }

    @Override
    public void content(ByteBuf part) {
        dropped += part.readableBytes();
        if (dropped > LIMIT) {
            close();
        }
    }

    @Override
    public void end() {
        close();
    }

    @Override
    public void abort(Throwable cause) {
        timer.cancel(false);
    }

    private void close() {
        if (!closing) {
            closing = true;
            timer.cancel(false);
            answered.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
