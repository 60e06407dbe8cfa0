package dev.switchboard.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Answers the requests of one connection strictly one after the other (HTTP/1.1 pipelining): a request
 * that arrives while the previous response is still going out (a streamed download, a long poll) is
 * held, with everything after it, until the last part of that response has been written; then it goes
 * on. While requests are held the connection stops reading, so what is held is at most what one read
 * brought in; reading resumes just before the last held request goes on. The body of the request
 * being answered still flows (a handler may answer before it has read the whole body). Interim
 * responses (100 Continue) do not end an exchange; 101 does. After a response that closes the
 * connection, nothing more is answered.
 * <p>Sits right after the HTTP codec, before anything that may write for a request.
 */
final class InOrder extends ChannelDuplexHandler {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean answering; // a request went on and its final response is not fully written yet
    private boolean interim; // the response head going out is a 1xx other than 101
    private boolean draining;
    private int heldRequests; // requests among what is held
    private boolean paused; // this handler turned reading off
    private boolean closing; // a response said Connection: close: nothing more is answered

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || (msg instanceof HttpRequest && (answering || closing))) {
            held.add(msg);
            if (msg instanceof HttpRequest) {
                heldRequests++;
            }
            if (ctx.channel().config().isAutoRead()) { // first hold, or turned on again by an upload's flow control
                paused = true;
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        if (msg instanceof HttpRequest) {
            answering = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held.isEmpty()) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            HttpResponseStatus s = res.status();
            interim = s.codeClass() == HttpStatusClass.INFORMATIONAL
                    && s.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
            closing |= !interim && !HttpUtil.isKeepAlive(res);
        }
        if (msg instanceof LastHttpContent && !interim) {
            ChannelPromise p = promise.unvoid();
            ctx.write(msg, p);
            p.addListener(f -> answered(ctx));
            return;
        }
        ctx.write(msg, promise);
    }

    /** The final response's last part is written (or failed to be): the next held request goes on. */
    private void answered(ChannelHandlerContext ctx) {
        answering = false;
        if (draining || ctx.isRemoved()) {
            return;
        }
        if (closing || !ctx.channel().isActive()) {
            drop(); // the connection is ending: what was held is never answered
            return;
        }
        draining = true;
        try {
            boolean fired = false;
            while (!held.isEmpty() && !(answering && held.peek() instanceof HttpRequest)) {
                Object msg = held.poll(); // a request, then its body, up to the next request
                if (msg instanceof HttpRequest) {
                    answering = true;
                    if (--heldRequests == 0) {
                        // Reading resumes before the last held request goes on, so that a pause its
                        // handler asks for (an upload's flow control) is not undone after it.
                        resume(ctx);
                    }
                }
                fired = true;
                ctx.fireChannelRead(msg);
            }
            if (fired) {
                ctx.fireChannelReadComplete();
            }
        } finally {
            draining = false;
        }
    }

    private void resume(ChannelHandlerContext ctx) {
        if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true); // asks for a read when it was off
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        drop();
        super.channelInactive(ctx);
    }

    /** Removed when the connection leaves HTTP (a WebSocket upgrade): nothing is held back any more. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        drop();
        resume(ctx);
    }

    private void drop() {
        heldRequests = 0;
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
