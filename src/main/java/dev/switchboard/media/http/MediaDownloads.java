package dev.switchboard.media.http;

import dev.switchboard.media.Media;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.MediaStore;
import dev.switchboard.web.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Serves a photo's bytes and thumbnail, and deletes photos. Bytes are immutable per id, so responses
 * carry a strong ETag (the content's SHA-256), {@code Cache-Control: public, max-age=31536000, immutable},
 * conditional GET (If-None-Match, 304) and single byte ranges (RFC 9110 section 14: 206 with
 * Content-Range, 416 with {@code bytes *}/size, If-Range). Runs on the storage executor; the bytes are
 * streamed by {@link FileResponse} in bounded chunks, never the whole file in memory.
 */
final class MediaDownloads {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final MediaStore store;
    private final MediaEvents events;
    private final Executor executor;

    MediaDownloads(MediaStore store, MediaEvents events, Executor executor) {
        this.store = store;
        this.events = events;
        this.executor = executor;
    }

    void original(ChannelHandlerContext ctx, HttpRequest req, MediaId id) throws IOException {
        Optional<Media> found = store.find(id);
        if (found.isEmpty()) {
            notFound(ctx, req);
            return;
        }
        Media m = found.get();
        String etag = "\"" + m.sha256() + "\"";
        if (notModified(ctx, req, etag)) {
            return;
        }
        FileChannel file = store.open(m);
        if (file == null) {
            notFound(ctx, req);
            return;
        }
        try {
            long size = file.size();
            ByteRange range = rangeFor(req, etag, size);
            if (range == ByteRange.UNSATISFIABLE) {
                file.close();
                FullHttpResponse res = Replies.errorResponse(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        "range_not_satisfiable", "the photo has " + size + " bytes");
                res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                res.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
                HttpResponses.send(ctx, req, res);
                return;
            }
            long first = range == null ? 0 : range.first();
            long length = range == null ? size : range.length();
            HttpResponse res = FileResponse.head(range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT,
                    m.type().mime(), length);
            HttpHeaders h = res.headers();
            if (range != null) {
                h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
            cacheHeaders(h, etag);
            FileResponse.send(executor, ctx, req, res, file, first, length);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    void thumbnail(ChannelHandlerContext ctx, HttpRequest req, MediaId id) throws IOException {
        Optional<Media> found = store.find(id);
        if (found.isEmpty()) {
            notFound(ctx, req);
            return;
        }
        Media m = found.get();
        String etag = "\"" + m.sha256() + "-thumb\"";
        if (notModified(ctx, req, etag)) {
            return;
        }
        FileChannel thumb = store.thumbnail(m);
        boolean fallback = thumb == null;
        FileChannel file = fallback ? store.open(m) : thumb;
        if (file == null) {
            notFound(ctx, req);
            return;
        }
        try {
            long size = file.size();
            HttpResponse res = FileResponse.head(HttpResponseStatus.OK, fallback ? m.type().mime() : "image/jpeg", size);
            cacheHeaders(res.headers(), etag);
            if (fallback) {
                // Not decodable here (damaged, oversized): the browser scales the original.
                res.headers().set("X-Thumbnail", "original");
            }
            FileResponse.send(executor, ctx, req, res, file, 0, size);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    void delete(ChannelHandlerContext ctx, HttpRequest req, MediaId id) {
        Optional<Media> deleted = store.delete(id);
        if (deleted.isEmpty()) {
            notFound(ctx, req);
            return;
        }
        HttpResponses.send(ctx, req, HttpResponses.response(HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER, null));
        events.publish(deleted.get().room(), "media-removed", Map.of("id", id.value(), "room", deleted.get().room()));
    }

    private static ByteRange rangeFor(HttpRequest req, String etag, long size) {
        String ifRange = req.headers().get(HttpHeaderNames.IF_RANGE);
        if (ifRange != null && !ifRange.trim().equals(etag)) {
            return null; // the client's copy is another representation: send it all
        }
        return ByteRange.parse(req.headers().get(HttpHeaderNames.RANGE), size);
    }

    private static boolean notModified(ChannelHandlerContext ctx, HttpRequest req, String etag) {
        String inm = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm == null) {
            return false;
        }
        for (String tag : inm.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag) || t.equals("*")) {
                FullHttpResponse res = HttpResponses.response(HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER, null);
                res.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
                cacheHeaders(res.headers(), etag);
                HttpResponses.send(ctx, req, res);
                return true;
            }
        }
        return false;
    }

    private static void cacheHeaders(HttpHeaders h, String etag) {
        h.set(HttpHeaderNames.ETAG, etag);
        h.set(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE);
    }

    private static void notFound(ChannelHandlerContext ctx, HttpRequest req) {
        Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not_found", "no such photo");
    }
}
