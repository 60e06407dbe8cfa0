package dev.switchboard.media.http;

import dev.switchboard.log.LogLimiter;
import dev.switchboard.media.Media;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.media.StorageHealth;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.web.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;

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
        o.put("kind", m.kind().wire());
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

    /**
     * Runs a blocking step of a request on the storage executor: 503 when it is saturated; when the step
     * throws, a storage failure answers 507/503 (see {@link #storageFailure}) and anything else 500
     * (logged as a failed {@code what} request).
     */
    static void onStorage(StorageExecutor executor, StorageHealth health, ChannelHandlerContext ctx, HttpRequest req,
            Logger log, String what, MediaApi.Step step) {
        try {
            executor.execute(() -> {
                try {
                    step.run();
                } catch (Exception | Error e) {
                    if (StorageFailure.isStorage(e)) {
                        HttpResponses.send(ctx, req, storageFailure(health, e));
                        return;
                    }
                    LogLimiter.of(log).warn(what + "-failed", "{} request {} {} failed", what, req.method(), req.uri(), e);
                    error(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error");
                }
            });
        } catch (RejectedExecutionException e) {
            busy(ctx, req);
        }
    }

    /**
     * The answer to a write that storage refused: 507 Insufficient Storage (disk full, the free-space
     * reserve reached, an I/O error) or 503 with Retry-After (database unreachable), as JSON naming the
     * reason and the bytes free. Records the failure in {@code health} (which logs it at most once a
     * minute per kind, without a stack trace); nothing is logged per request.
     */
    static FullHttpResponse storageFailure(StorageHealth health, Throwable e) {
        StorageFailure kind = StorageFailure.of(e);
        if (kind != StorageFailure.RESERVE_REACHED) { // the reserve check counted it already
            health.failed(e);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("error", kind.code());
        o.put("message", "cannot store it: " + kind.reason() + "; nothing was kept");
        o.put("reason", kind.reason());
        o.put("freeBytes", health.freeBytes());
        o.put("minFreeBytes", health.minFreeBytes());
        byte[] body;
        try {
            body = HttpResponses.JSON.writeValueAsBytes(o);
        } catch (Exception x) {
            throw new IllegalStateException(x);
        }
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.valueOf(kind.status()),
                Unpooled.wrappedBuffer(body), "application/json; charset=utf-8");
        if (kind.status() == 503) {
            res.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return res;
    }

    /** The request line and headers, kept past the dispatcher's release of the request. */
    static HttpRequest copy(HttpRequest req) {
        return new DefaultHttpRequest(req.protocolVersion(), req.method(), req.uri(), req.headers().copy());
    }

    static FullHttpResponse errorResponse(HttpResponseStatus status, String code, String message) {
        return HttpResponses.errorResponse(status, code, message);
    }
}
