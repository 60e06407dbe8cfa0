package dev.switchboard.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * {@code Expect: 100-continue} (RFC 9110 section 10.1.1): the request goes on to the dispatcher first,
 * and 100 Continue is sent only when it has not been answered by the time its head is handled, so a
 * request that is refused from its head alone (413 for a declared length over the limit, 401, 404,
 * 415) never invites its body. Any other expectation is answered 417 and the connection closed.
 * Sits between {@link InOrder} and the dispatcher, so it also sees whether the request being handled
 * has been answered.
 */
final class ExpectContinue extends ChannelDuplexHandler {
    private boolean waiting; // a request expecting 100 is being handled and has no final answer yet
    private boolean answered; // a final response head went out since the last request head

    /** True when a final response has been written for the request being handled. */
    boolean answered() {
        return answered;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest req) || req.decoderResult().isFailure()) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (unsupportedExpectation(req)) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.EXPECTATION_FAILED, Unpooled.EMPTY_BUFFER);
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        answered = false;
        boolean expects = HttpUtil.is100ContinueExpected(req);
        waiting = expects;
        ctx.fireChannelRead(msg);
        if (expects && waiting && ctx.channel().isActive()) {
            waiting = false;
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
    }

    private static boolean unsupportedExpectation(HttpRequest req) {
        String expect = req.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && !req.protocolVersion().equals(HttpVersion.HTTP_1_0)
                && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res && res.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            waiting = false;
            answered = true;
        }
        ctx.write(msg, promise);
    }
}
