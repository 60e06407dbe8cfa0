package dev.switchboard.web;

import dev.switchboard.log.LogLimiter;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request by the {@link Router} (404 and 405 with {@code Allow} answered here), checks the
 * route's {@link Guard}, then collects the body for plain handlers (up to the route's limit, 413 past
 * it) or streams it to a {@link StreamingHandler}. Every answer given from the head alone follows
 * {@link Draining}'s rule. One instance per connection; requests on a connection are handled one after
 * the other, on its event loop.
 */
public final class HttpDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

    private final Router router;
    private HttpRequest head;
    private Route route;
    private CompositeByteBuf body;
    private StreamingHandler.Body stream;
    private boolean discarding;

    private final AtomicInteger inFlight;

    HttpDispatcher(List<Route> routes) {
        this(new Router(routes));
    }

    /** A dispatcher on its own (tests drive one on an EmbeddedChannel); {@link WebServer} makes its own. */
    public HttpDispatcher(Router router) {
        this(router, new AtomicInteger());
    }

    HttpDispatcher(Router router, AtomicInteger inFlight) {
        this.router = router;
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
        Router.Match m = router.match(req.method(), path);
        if (m instanceof Router.Match.Found f) {
            start(ctx, req, f.route(), f.params());
        } else if (m instanceof Router.Match.NotAllowed n) {
            early(ctx, req, HttpResponses.notAllowedResponse(n.allow()));
        } else {
            early(ctx, req, HttpResponses.errorResponse(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such resource: " + path));
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest req, Route r, PathParams params) throws Exception {
        FullHttpResponse refused = r.guard().check(req, params);
        if (refused != null) {
            early(ctx, req, refused);
            return;
        }
        if (r.streaming() != null) {
            StreamingHandler.Body s = r.streaming().start(ctx, req, params);
            if (s == null) {
                discarding = true; // the handler already answered
            } else {
                stream(s);
            }
            return;
        }
        route = r;
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > r.maxBodyBytes()) {
            route = null;
            early(ctx, req, tooLarge());
            return;
        }
        body = ctx.alloc().compositeBuffer();
    }

    /** Answers from the head alone, by the one early-answer rule ({@link Draining}). */
    private void early(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        Draining d = Draining.answer(ctx, req, res);
        if (d == null) {
            discarding = true;
        } else {
            stream(d);
        }
    }

    private void stream(StreamingHandler.Body s) {
        stream = s;
        inFlight.incrementAndGet();
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) throws Exception {
        if (content.decoderResult().isFailure()) {
            malformedBody(ctx, content.decoderResult().cause());
            return;
        }
        if (discarding || head == null) {
            if (content instanceof LastHttpContent) {
                reset();
            }
            return;
        }
        if (stream != null) {
            StreamingHandler.Body s = stream;
            if (content.content().isReadable()) {
                s.content(content.content());
            }
            if (content instanceof LastHttpContent) {
                endStream();
            }
            return;
        }
        if (body.readableBytes() + content.content().readableBytes() > route.maxBodyBytes()) {
            body.release();
            body = null;
            route = null;
            stream(Draining.answer(ctx, tooLarge())); // a body has begun: drained, then the connection closes
            if (content instanceof LastHttpContent) {
                endStream();
            }
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

    private void endStream() throws Exception {
        StreamingHandler.Body s = stream;
        stream = null;
        reset();
        try {
            s.end();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** 413 for a body past the route's limit (declared, or found while collecting it). */
    private static FullHttpResponse tooLarge() {
        return HttpResponses.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                "request body too large");
    }

    /**
     * A framing error in the body (a bad chunk size, a chunk or trailer line too long): the decoder reads
     * nothing more on this connection, so a streamed body is aborted (never completed with what came
     * before), the request is answered 400 unless it was answered already, and the connection closes.
     */
    private void malformedBody(ChannelHandlerContext ctx, Throwable cause) {
        ExpectContinue exchange = ctx.pipeline().get(ExpectContinue.class);
        boolean answered = discarding || head == null || stream instanceof Draining
                || (exchange != null && exchange.answered());
        abortStream(new IOException("malformed request body", cause));
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
        abortStream(new IOException("connection closed"));
        reset();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abortStream(cause);
        reset();
        if (cause instanceof IOException || cause instanceof DecoderException) {
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
