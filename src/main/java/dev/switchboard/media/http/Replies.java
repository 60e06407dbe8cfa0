package dev.switchboard.media.http;

import dev.switchboard.media.Media;
import dev.switchboard.web.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** The API's JSON bodies and error answers; callable from any thread (Netty queues the write on the loop). */
final class Replies {
    static final int RETRY_AFTER_SECONDS = 1;

    private Replies() {}

    /** The photo as the API contract shapes it: {id, room, contentType, size, sha256, createdAt, url, kind}. */
    static Map<String, Object> json(Media m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", m.id().value());
        o.put("room", m.room());
        o.put("contentType", m.type().mime());
        o.put("size", m.size());
        o.put("sha256", m.sha256());
        o.put("createdAt", m.createdAt().toString());
        o.put("url", m.url());
        o.put("kind", m.kind());
        return o;
    }

    static ChannelFuture error(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String code,
                               String message) {
        return HttpResponses.error(ctx, req, status, code, message);
    }

    /** 503 with Retry-After: the storage executor is saturated. */
    static ChannelFuture busy(ChannelHandlerContext ctx, HttpRequest req) {
        return HttpResponses.send(ctx, req, busyResponse());
    }

    static FullHttpResponse busyResponse() {
        FullHttpResponse res = errorResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy",
                "the media store is busy; retry shortly");
        res.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        return res;
    }

    static FullHttpResponse errorResponse(HttpResponseStatus status, String code, String message) {
        byte[] body;
        try {
            body = HttpResponses.JSON.writeValueAsBytes(Map.of("error", code, "message", message));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return HttpResponses.response(status, Unpooled.wrappedBuffer(body), "application/json; charset=utf-8");
    }
}
