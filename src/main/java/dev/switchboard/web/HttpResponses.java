package dev.switchboard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small helpers to answer a request with JSON, text or an error, honouring keep-alive. */
public final class HttpResponses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponses() {}

    public static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, CharSequence contentType) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        entityHeaders(res, contentType, body.readableBytes());
        return res;
    }

    /** The head of a response whose {@code length} bytes of {@code contentType} follow in parts. */
    public static HttpResponse head(HttpResponseStatus status, CharSequence contentType, long length) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        entityHeaders(res, contentType, length);
        return res;
    }

    private static void entityHeaders(HttpResponse res, CharSequence contentType, long length) {
        if (contentType != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        res.headers().set("X-Content-Type-Options", "nosniff");
    }

    public static ChannelFuture json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode JSON response", e);
        }
        return send(ctx, req, response(status, Unpooled.wrappedBuffer(bytes), "application/json; charset=utf-8"));
    }

    public static ChannelFuture text(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String body) {
        return send(ctx, req, response(status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8),
                "text/plain; charset=utf-8"));
    }

    /**
     * Sets the Connection header of {@code res} for {@code req}; returns whether the connection stays
     * open after it (the request asked for keep-alive and the status is below 500). A response sent in
     * parts closes the connection itself after its last part when this is false.
     */
    public static boolean connection(HttpRequest req, HttpResponse res) {
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req) && res.status().code() < 500;
        if (keepAlive) {
            if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return keepAlive;
    }

    /** A JSON error {@code {"error": code, "message": ...}} with the given status. */
    public static ChannelFuture error(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status,
                                      String code, String message) {
        return json(ctx, req, status, Map.of("error", code, "message", message));
    }

    /** Writes the response, closing the connection afterwards unless the request asked for keep-alive. */
    public static ChannelFuture send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        boolean keepAlive = connection(req, res);
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }

    /** A JSON error response {@code {"error": code, "message": ...}}, not yet sent. */
    public static FullHttpResponse errorResponse(HttpResponseStatus status, String code, String message) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("error", code, "message", message));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return response(status, Unpooled.wrappedBuffer(body), "application/json; charset=utf-8");
    }

    /** 405 naming the methods {@code allow}ed, in the Allow header too. */
    public static FullHttpResponse notAllowedResponse(String allow) {
        FullHttpResponse res = errorResponse(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "allowed: " + allow);
        res.headers().set(HttpHeaderNames.ALLOW, allow);
        return res;
    }
}
