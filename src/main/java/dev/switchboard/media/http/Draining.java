package dev.switchboard.media.http;

import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The rest of a request body that was already answered with an error (413, 415, 503): the answer says
 * {@code Connection: close}, but the connection closes only once the body has ended, or
 * {@link #LIMIT} more bytes or {@link #SECONDS} have passed. Closing while the client is still sending
 * would make its TCP stack drop our answer on the reset.
 */
final class Draining implements StreamingHandler.Body {
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

    /** Sends {@code res} and drains what remains of the body. */
    static Draining answer(ChannelHandlerContext ctx, FullHttpResponse res) {
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
