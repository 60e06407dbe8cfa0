package dev.switchboard.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes HTTP connections whose client is too slow to be honest (slowloris and friends), per
 * {@link ClientLimits}: a request head not complete within the head timeout of its first byte; a body
 * that brings fewer than the minimum bytes in an interval (intervals in which the server itself has
 * stopped reading, for back-pressure or pipelining, do not count); a kept-alive connection with no
 * request for the idle timeout. While the server is answering (a long poll, a download) nothing is
 * timed here. Once the connection is switched to another protocol (101, a WebSocket) it steps aside.
 * <p>Two handlers share one instance's state: {@link #bytes()} sits before the HTTP codec and sees raw
 * bytes; this one sits after it and sees requests and responses. One timer per connection, on its loop.
 */
final class SlowClients extends ChannelDuplexHandler {
    private final ClientLimits limits;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean off; // switched protocols or closed
    private boolean inRequest; // a head has arrived and its body has not ended
    private boolean headStarted; // bytes of a head not yet decoded have arrived
    private long requests; // request heads received
    private long responses; // final responses fully written
    private boolean finalHead; // the response going out is a final one (not 1xx)
    private long bytesThisInterval;

    SlowClients(ClientLimits limits) {
        this.limits = limits;
    }

    /** The part before the HTTP codec: counts bytes and notices the first byte of a head. */
    ChannelInboundHandlerAdapter bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (!off && msg instanceof ByteBuf b && b.isReadable()) {
                    bytesThisInterval += b.readableBytes();
                    if (!inRequest && !headStarted) {
                        headStarted = true;
                        if (requests == responses) {
                            schedule(limits.headTimeout().toNanos());
                        }
                    }
                }
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            schedule(limits.idleTimeout().toNanos());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        schedule(limits.idleTimeout().toNanos());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!off) {
            if (msg instanceof HttpRequest) {
                headStarted = false;
                inRequest = true;
                requests++;
                bytesThisInterval = 0;
                schedule(limits.bodyInterval().toNanos());
            }
            if (msg instanceof LastHttpContent && inRequest) {
                inRequest = false;
                waitForNext(); // answered before its body ended (404, 413): the client's turn again
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!off && msg instanceof HttpResponse res) {
            HttpResponseStatus s = res.status();
            if (s.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                stepAside();
            } else {
                finalHead = s.codeClass() != HttpStatusClass.INFORMATIONAL;
            }
        }
        if (!off && msg instanceof LastHttpContent && finalHead) {
            finalHead = false;
            ChannelPromise p = promise.unvoid();
            super.write(ctx, msg, p);
            p.addListener(f -> answered());
            return;
        }
        super.write(ctx, msg, promise);
    }

    /** A final response has been written. */
    private void answered() {
        if (off) {
            return;
        }
        responses = Math.min(requests, responses + 1);
        if (!inRequest) {
            waitForNext();
        }
    }

    /** Between requests: with every request answered the idle (or head) clock runs; else the server's turn. */
    private void waitForNext() {
        if (requests == responses) {
            schedule((headStarted ? limits.headTimeout() : limits.idleTimeout()).toNanos());
        } else {
            cancel();
        }
    }

    private void check() {
        timer = null;
        if (off || !ctx.channel().isActive()) {
            return;
        }
        if (inRequest) {
            boolean reading = ctx.channel().config().isAutoRead();
            if (reading && bytesThisInterval < limits.bodyMinBytes()) {
                ctx.close(); // fewer than the minimum in a whole interval: a trickle or a stall
                return;
            }
            bytesThisInterval = 0;
            schedule(limits.bodyInterval().toNanos());
            return;
        }
        if (requests == responses) {
            ctx.close(); // no complete head in time, or idle between requests
        }
    }

    private void schedule(long nanos) {
        cancel();
        if (ctx != null && !off) {
            timer = ctx.executor().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void stepAside() {
        off = true;
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stepAside();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stepAside();
    }
}
