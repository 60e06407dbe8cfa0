package dev.switchboard.web;

import dev.switchboard.log.LogLimiter;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request to the first matching {@link Route}: collects the body for plain handlers (up to
 * the route's limit, 413 past it) or streams it to a {@link StreamingHandler}. One instance per
 * connection; requests on a connection are handled one after the other.
 */
final class HttpDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

    private final List<Route> routes;
    private HttpRequest head;
    private Route route;
    private CompositeByteBuf body;
    private StreamingHandler.Body stream;
    private boolean discarding;
    private boolean closeAfterBody;
    static final long DRAIN_MILLIS = 5000;

    private final java.util.concurrent.atomic.AtomicInteger inFlight;

    HttpDispatcher(List<Route> routes) {
        this(routes, new java.util.concurrent.atomic.AtomicInteger());
    }

    HttpDispatcher(List<Route> routes, java.util.concurrent.atomic.AtomicInteger inFlight) {
        this.routes = routes;
        this.inFlight = inFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        try {
            if (msg instanceof HttpRequest req) {
                onHead(ctx, req);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
            if (!(msg instanceof HttpRequest) && !(msg instanceof HttpContent)) {
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest req) throws Exception {
        reset();
        head = req;
        if (req.decoderResult().isFailure()) {
            discarding = true;
            HttpResponses.error(ctx, null, HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed HTTP request");
            return;
        }
        int hosts = req.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && !req.protocolVersion().equals(HttpVersion.HTTP_1_0))) {
            // RFC 9112 section 3.2: exactly one Host in HTTP/1.1, at most one before; the connection closes
            discarding = true;
            HttpResponses.error(ctx, null, HttpResponseStatus.BAD_REQUEST, "bad_request",
                    hosts == 0 ? "a Host header is required" : "more than one Host header");
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        route = null;
        for (Route r : routes) {
            if (r.matches(path)) {
                route = r;
                break;
            }
        }
        if (route == null) {
            discarding = true;
            HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not_found", "no such resource: " + path);
            return;
        }
        if (route.streaming() != null) {
            stream = route.streaming().start(ctx, req);
            if (stream == null) {
                discarding = true; // the handler already answered
            } else {
                inFlight.incrementAndGet();
            }
            return;
        }
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > route.maxBodyBytes()) {
            discarding = true;
            tooLarge(ctx, req);
            return;
        }
        body = ctx.alloc().compositeBuffer();
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) throws Exception {
        if (content.decoderResult().isFailure()) {
            malformedBody(ctx, content.decoderResult().cause());
            return;
        }
        if (discarding || head == null) {
            if (content instanceof LastHttpContent) {
                reset();
                if (closeAfterBody) {
                    ctx.close();
                }
            }
            return;
        }
        if (stream != null) {
            StreamingHandler.Body s = stream;
            if (content.content().isReadable()) {
                s.content(content.content());
            }
            if (content instanceof LastHttpContent) {
                stream = null;
                reset();
                try {
                    s.end();
                } finally {
                    inFlight.decrementAndGet();
                }
            }
            return;
        }
        if (body.readableBytes() + content.content().readableBytes() > route.maxBodyBytes()) {
            HttpRequest req = head;
            reset();
            discarding = true;
            tooLarge(ctx, req);
            return;
        }
        if (content.content().isReadable()) {
            body.addComponent(true, content.content().retain());
        }
        if (content instanceof LastHttpContent last) {
            FullHttpRequest full = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    body, head.headers(), last.trailingHeaders());
            body = null;
            Route r = route;
            reset();
            try {
                r.handler().handle(ctx, full);
            } finally {
                full.release();
            }
        }
    }

    /**
     * Answers 413 and ends the connection once the client has finished sending (the rest of the body
     * is read and dropped), so the client reads the answer instead of a reset; a client that keeps
     * sending is cut off after {@link #DRAIN_MILLIS}.
     */
    private void tooLarge(ChannelHandlerContext ctx, HttpRequest req) {
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.copiedBuffer("{\"error\":\"too_large\",\"message\":\"request body too large\"}",
                        StandardCharsets.UTF_8), "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res);
        closeAfterBody = true;
        ctx.executor().schedule(() -> {
            ctx.close();
        }, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A framing error in the body (a bad chunk size, a chunk or trailer line too long): the decoder reads
     * nothing more on this connection, so a streamed body is aborted (never completed with what came
     * before), the request is answered 400 unless it was answered already, and the connection closes.
     */
    private void malformedBody(ChannelHandlerContext ctx, Throwable cause) {
        ExpectContinue exchange = ctx.pipeline().get(ExpectContinue.class);
        boolean answered = discarding || head == null || (exchange != null && exchange.answered());
        abortStream(new java.io.IOException("malformed request body", cause));
        reset();
        if (answered) {
            ctx.close();
        } else {
            HttpResponses.error(ctx, null, HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request body");
        }
    }

    private void reset() {
        if (body != null) {
            body.release();
            body = null;
        }
        head = null;
        route = null;
        discarding = false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        abortStream(new java.io.IOException("connection closed"));
        reset();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abortStream(cause);
        reset();
        if (cause instanceof java.io.IOException || cause instanceof io.netty.handler.codec.DecoderException) {
            // The connection failed, or the client's bytes could not be decoded (e.g. plain HTTP or junk on
            // the TLS port): nothing to log per connection, nothing left to answer on.
            ctx.close();
            return;
        }
        LogLimiter.of(log).warn("handler", "HTTP handler failed on {}", ctx.channel().remoteAddress(), cause);
        if (ctx.channel().isActive()) {
            HttpResponses.error(ctx, null, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error");
        }
    }

    private void abortStream(Throwable cause) {
        if (stream != null) {
            StreamingHandler.Body s = stream;
            stream = null;
            inFlight.decrementAndGet();
            s.abort(cause);
        }
    }
}
