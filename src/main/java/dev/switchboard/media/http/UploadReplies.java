package dev.switchboard.media.http;

import dev.switchboard.media.MediaType;
import dev.switchboard.media.ResumableUpload;
import dev.switchboard.web.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers of {@link ResumableUploadApi} that carry a session's state (its offset above all), and its
 * limit messages; shared with {@link UploadPart} and {@link FolderHandover}. Pure: any thread.
 */
final class UploadReplies {
    private UploadReplies() {
    }

    /** The 413 message for a part that would take {@code s} past its declared length or the limit. */
    static String limitMessage(ResumableUpload s, long maxBytes) {
        return s.length() >= 0 && s.length() < maxBytes
                ? "the upload declared Upload-Length " + s.length() + "; parts may not go past it"
                : limitMessage(s.type(), maxBytes);
    }

    /** The 413 message for a session of this type. */
    static String limitMessage(MediaType type, long maxBytes) {
        return type == MediaType.FILE
                ? "files sent through the server are limited to " + maxBytes + " bytes (media.max-file-bytes)"
                : "recordings are limited to " + maxBytes + " bytes";
    }

    /** The session's state: {@code {id, offset, busy, url}} and the Upload-Offset header. */
    static FullHttpResponse status(HttpResponseStatus status, ResumableUpload s) {
        return status(status, s, -1);
    }

    /** The state with {@code maxDurationSeconds} (0: no limit) when {@code maxSeconds} is not negative. */
    static FullHttpResponse status(HttpResponseStatus status, ResumableUpload s, long maxSeconds) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.id().value());
        o.put("room", s.room());
        o.put("contentType", s.type().mime());
        o.put("offset", s.offset());
        o.put("busy", s.busy());
        o.put("url", ResumableUploadApi.pathOf(s.kind()) + s.id().value());
        if (maxSeconds >= 0) {
            o.put("maxDurationSeconds", maxSeconds);
        }
        FullHttpResponse res = jsonResponse(status, o);
        res.headers().set("Upload-Offset", s.offset());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    /** An error answer that also names the offset the client should continue from (when known, >= 0). */
    static FullHttpResponse offsetError(HttpResponseStatus status, String code, String message, long offset) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("error", code);
        o.put("message", message);
        if (offset >= 0) {
            o.put("offset", offset);
        }
        FullHttpResponse res = jsonResponse(status, o);
        if (offset >= 0) {
            res.headers().set("Upload-Offset", offset);
        }
        return res;
    }

    private static FullHttpResponse jsonResponse(HttpResponseStatus status, Map<String, Object> body) {
        try {
            return HttpResponses.response(status, Unpooled.wrappedBuffer(HttpResponses.JSON.writeValueAsBytes(body)),
                    "application/json; charset=utf-8");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
