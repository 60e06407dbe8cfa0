package dev.switchboard.media.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.media.ImageType;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.media.RecordingSession;
import dev.switchboard.media.RecordingSessions;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.media.Upload;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable recording uploads (documented in docs/media-api.md, "Recordings"): a session is created
 * for a room, parts are appended at exactly the session's offset, and the finish step checks the
 * SHA-256 and the container signature, then commits the file to the content-addressed store as a
 * media row of kind "recording" and tells the room ({@code media-added}).
 * <ul>
 * <li>{@code POST /api/rooms/{room}/recordings} (Content-Type video/webm or video/mp4, optional
 *     {@code Upload-Length}): 201 {@code {id, offset, url, maxDurationSeconds}}; 413, 415, 429 too many open.
 *     Parts and the finish of a session older than {@code media.max-recording-duration} (plus a short
 *     grace) get 409 {@code recording_too_long}.</li>
 * <li>{@code PUT /api/recordings/{id}?offset=N} or {@code PATCH} with {@code Upload-Offset: N}: 200
 *     {@code {id, offset}}; 409 with the current offset when N is not it (or a part is in progress).</li>
 * <li>{@code HEAD|GET /api/recordings/{id}}: the offset ({@code Upload-Offset} header; JSON for GET).</li>
 * <li>{@code POST /api/recordings/{id}/finish} {@code {sha256, size?}}: 201 with the media JSON (200 when
 *     the room has these bytes already); 409 size differs, 422 digest differs (both keep the session),
 *     415 not the declared container (the session is dropped).</li>
 * <li>{@code DELETE /api/recordings/{id}}: 204, the session and its bytes are dropped.</li>
 * </ul>
 * Uploading needs the member role of the room when room tokens are enabled.
 * <p>The same scheme serves resumable file uploads for peers without a direct path
 * ({@code POST /api/rooms/{room}/file-uploads}, then {@code /api/file-uploads/{id}...}): any bytes, no
 * container check, stored as kind "file", no {@code media-added}; limit {@code media.max-file-bytes}.
 */
public final class RecordingApi {
    private static final Logger log = LoggerFactory.getLogger(RecordingApi.class);
    static final String PATH = "/api/recordings/";
    static final String FILE_PATH = "/api/file-uploads/";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int MAX_FINISH_BODY = 4096;

    private final MediaStore store;
    private final StorageExecutor executor;
    private final RecordingSessions sessions;
    private final MediaEvents events;
    private final Access access;
    private final boolean files;

    public RecordingApi(MediaStore store, StorageExecutor executor, RecordingSessions sessions, MediaEvents events,
                        Access access) {
        this(store, executor, sessions, events, access, false);
    }

    /** With {@code files}, the file uploads of this scheme instead of recordings. */
    public RecordingApi(MediaStore store, StorageExecutor executor, RecordingSessions sessions, MediaEvents events,
                        Access access, boolean files) {
        this.files = files;
        this.store = store;
        this.executor = executor;
        this.sessions = sessions;
        this.events = events;
        this.access = access;
    }

    public Route route() {
        return Route.streaming(files ? FILE_PATH : PATH, this::session);
    }

    /** Where a session's parts go. */
    static String pathOf(ImageType type) {
        return type == ImageType.FILE ? FILE_PATH : PATH;
    }

    /** The 413 message for a part that would take {@code s} past its declared length or the limit. */
    static String limitMessage(RecordingSession s, long maxBytes) {
        return s.length() >= 0 && s.length() < maxBytes
                ? "the upload declared Upload-Length " + s.length() + "; parts may not go past it"
                : limitMessage(s.type(), maxBytes);
    }

    /** The 413 message for a session of this type. */
    static String limitMessage(ImageType type, long maxBytes) {
        return type == ImageType.FILE
                ? "files sent through the server are limited to " + maxBytes + " bytes (media.max-file-bytes)"
                : "recordings are limited to " + maxBytes + " bytes";
    }

    /** {@code POST /api/rooms/{room}/recordings}, the room name checked and the member role granted. */
    StreamingHandler.Body create(ChannelHandlerContext ctx, HttpRequest req, String room) {
        ImageType type = files ? ImageType.FILE
                : ImageType.recordingFromContentType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (type == null) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_type", "Content-Type must be video/webm or video/mp4"));
        }
        String length = req.headers().get("Upload-Length");
        long total = -1;
        if (length != null) {
            total = parseLong(length);
            if (total < 0) {
                return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        "Upload-Length must be a number of bytes"));
            }
            if (total > sessions.maxBytes()) {
                return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "too_large", limitMessage(type, sessions.maxBytes())));
            }
        }
        HttpRequest r = Replies.copy(req);
        long declaredTotal = total;
        String client = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() : null;
        run(ctx, r, () -> {
            RecordingSessions.Refusal full = sessions.quota(room, client);
            RecordingSession s = full == null ? sessions.create(room, type, declaredTotal, client) : null;
            if (s == null) {
                String where = full == RecordingSessions.Refusal.ROOM ? " in this room"
                        : full == RecordingSessions.Refusal.CLIENT ? " from this client" : "";
                Replies.error(ctx, r, HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_uploads",
                        "too many " + noun() + " uploads are open" + where + "; finish or cancel one");
                return;
            }
            FullHttpResponse res = status(HttpResponseStatus.CREATED, s,
                    files ? -1 : sessions.maxDuration().toSeconds());
            res.headers().set(HttpHeaderNames.LOCATION, pathOf(s.type()) + s.id().value());
            HttpResponses.send(ctx, r, res);
        });
        return null;
    }

    private StreamingHandler.Body session(ChannelHandlerContext ctx, HttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String[] parts = uri.path().substring((files ? FILE_PATH : PATH).length()).split("/", -1);
        boolean finish = parts.length == 2 && parts[1].equals("finish");
        if (parts.length > 2 || (parts.length == 2 && !finish)) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such resource: " + uri.path()));
        }
        MediaId id = MediaId.parse(parts[0]);
        RecordingSession s = id == null ? null : sessions.find(id);
        if (s == null) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "no_upload",
                    "no " + noun() + " upload with this id (finished, cancelled or expired)"));
        }
        try {
            access.check(Access.tokenOf(req), s.room(), RoomToken.Role.MEMBER);
        } catch (TokenRefused e) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)),
                    e.reason().code(), e.getMessage()));
        }
        HttpMethod m = req.method();
        boolean writes = finish || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH);
        if (writes && !files && sessions.pastDuration(s)) {
            return Draining.answer(ctx, offsetError(HttpResponseStatus.CONFLICT, "recording_too_long",
                    "recordings are limited to " + sessions.maxDuration().toSeconds()
                            + " s (media.max-recording-duration); this upload is past it", s.offset()));
        }
        if (finish) {
            if (!m.equals(HttpMethod.POST)) {
                return notAllowed(ctx, "POST");
            }
            return new FinishBody(ctx, Replies.copy(req), s);
        }
        if (m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.GET)) {
            HttpResponses.send(ctx, req, status(HttpResponseStatus.OK, s));
            return null;
        }
        if (m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH)) {
            return part(ctx, req, s, uri);
        }
        if (m.equals(HttpMethod.DELETE)) {
            HttpRequest r = Replies.copy(req);
            run(ctx, r, () -> {
                if (s.claim(-1, sessions.now()) == RecordingSession.Claim.CLAIMED) {
                    sessions.abandon(s);
                    HttpResponses.send(ctx, r, HttpResponses.response(HttpResponseStatus.NO_CONTENT,
                            Unpooled.EMPTY_BUFFER, null));
                } else {
                    HttpResponses.send(ctx, r, offsetError(HttpResponseStatus.CONFLICT, "busy",
                            "a part is being uploaded", s.offset()));
                }
            });
            return null;
        }
        return notAllowed(ctx, "GET, HEAD, PUT, PATCH, DELETE");
    }

    private StreamingHandler.Body part(ChannelHandlerContext ctx, HttpRequest req, RecordingSession s,
                                       QueryStringDecoder uri) {
        List<String> q = uri.parameters().get("offset");
        String given = q != null && !q.isEmpty() ? q.get(0) : req.headers().get("Upload-Offset");
        long at = given == null ? -2 : parseLong(given);
        if (at < 0) {
            return Draining.answer(ctx, offsetError(HttpResponseStatus.BAD_REQUEST, "bad_offset",
                    "give the part's offset as ?offset=N or Upload-Offset: N", s.offset()));
        }
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared >= 0 && at + declared > s.limit(sessions.maxBytes())) {
            return Draining.answer(ctx, offsetError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                    limitMessage(s, sessions.maxBytes()), s.offset()));
        }
        switch (s.claim(at, sessions.now())) {
            case CLAIMED -> { }
            case BUSY -> {
                return Draining.answer(ctx, offsetError(HttpResponseStatus.CONFLICT, "busy",
                        "another part is being uploaded; ask for the offset and retry", s.offset()));
            }
            case WRONG_OFFSET -> {
                return Draining.answer(ctx, offsetError(HttpResponseStatus.CONFLICT, "offset_mismatch",
                        "the upload is at offset " + s.offset() + ", not " + at, s.offset()));
            }
            default -> {
                return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "no_upload",
                        "the " + noun() + " upload is finished or cancelled"));
            }
        }
        SerialLane lane = new SerialLane(executor, ctx.channel().eventLoop());
        try {
            lane.start(() -> { });
        } catch (RejectedExecutionException e) {
            s.release(sessions.now());
            return Draining.answer(ctx, Replies.busyResponse());
        }
        return new RecordingPart(ctx, Replies.copy(req), s, sessions, lane, at);
    }

    /** The small JSON body of the finish request, gathered on the loop, then the finish step on the executor. */
    private final class FinishBody implements StreamingHandler.Body {
        private final ChannelHandlerContext ctx;
        private final HttpRequest req;
        private final RecordingSession s;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Draining rejected;

        FinishBody(ChannelHandlerContext ctx, HttpRequest req, RecordingSession s) {
            this.ctx = ctx;
            this.req = req;
            this.s = s;
        }

        @Override
        public void content(ByteBuf part) {
            if (rejected != null) {
                rejected.content(part);
                return;
            }
            if (body.size() + part.readableBytes() > MAX_FINISH_BODY) {
                rejected = Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "too_large", "the finish request is JSON {sha256, size}"));
                return;
            }
            byte[] b = new byte[part.readableBytes()];
            part.getBytes(part.readerIndex(), b);
            body.writeBytes(b);
        }

        @Override
        public void end() {
            if (rejected != null) {
                rejected.end();
                return;
            }
            String sha;
            long size;
            try {
                JsonNode json = HttpResponses.JSON.readTree(body.toString(StandardCharsets.UTF_8));
                sha = json == null || !json.path("sha256").isTextual() ? null : json.get("sha256").asText();
                size = json != null && json.path("size").canConvertToLong() ? json.get("size").asLong() : -1;
            } catch (Exception e) {
                sha = null;
                size = -1;
            }
            if (sha == null || !SHA256.matcher(sha).matches()) {
                Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_request",
                        "the finish request is JSON {\"sha256\": 64 hex digits, \"size\": optional bytes}");
                return;
            }
            String expected = sha.toLowerCase(Locale.ROOT);
            long expectedSize = size;
            run(ctx, req, () -> finish(ctx, req, s, expected, expectedSize));
        }

        @Override
        public void abort(Throwable cause) {
            if (rejected != null) {
                rejected.abort(cause);
            }
        }
    }

    private void finish(ChannelHandlerContext ctx, HttpRequest req, RecordingSession s, String sha, long size)
            throws Exception {
        switch (s.claim(-1, sessions.now())) {
            case CLAIMED -> { }
            case BUSY -> {
                HttpResponses.send(ctx, req, offsetError(HttpResponseStatus.CONFLICT, "busy",
                        "a part is still being uploaded", s.offset()));
                return;
            }
            default -> {
                Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "no_upload", "the recording upload is gone");
                return;
            }
        }
        Upload upload = s.upload();
        long offset = s.offset();
        if (offset == 0 || (size >= 0 && size != offset)) {
            s.release(sessions.now());
            HttpResponses.send(ctx, req, offsetError(HttpResponseStatus.CONFLICT, "size_mismatch",
                    "the server has " + offset + " bytes" + (size >= 0 ? ", not " + size : ""), offset));
            return;
        }
        String actual = upload.sha256SoFar();
        if (!actual.equals(sha)) {
            s.release(sessions.now());
            HttpResponses.send(ctx, req, offsetError(HttpResponseStatus.UNPROCESSABLE_ENTITY, "hash_mismatch",
                    "the " + offset + " bytes received have SHA-256 " + actual + ", not " + sha, offset));
            return;
        }
        byte[] head = upload.head(ImageType.SNIFF_BYTES);
        ImageType found = ImageType.detect(head, head.length);
        if (s.type() != ImageType.FILE && found != s.type()) {
            sessions.abandon(s);
            Replies.error(ctx, req, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_type",
                    "the recording is not a " + s.type().mime() + " file"
                            + (s.type() == ImageType.WEBM ? " (no EBML header)" : " (no ftyp box)"));
            return;
        }
        MediaStore.Stored stored;
        try {
            Upload.Written written = upload.finish();
            stored = store.commit(written, s.room(), s.type());
            sessions.remove(s);
        } catch (Exception e) {
            // Disk full or database down before the file moved into place: the session stays at its
            // acknowledged offset and the client may finish again later (507/503 from the caller).
            if (!(StorageFailure.isStorage(e) && java.nio.file.Files.exists(upload.temp()) && sessions.rewind(s))) {
                sessions.abandon(s);
            }
            throw e;
        }
        Map<String, Object> json = Replies.json(stored.media());
        HttpResponses.json(ctx, req, stored.created() ? HttpResponseStatus.CREATED : HttpResponseStatus.OK, json);
        if (stored.created() && !files) {
            events.publish(s.room(), "media-added", json); // files are not gallery items
        }
        sessions.sweep();
    }

    /** The session's state: {@code {id, offset, busy, url}} and the Upload-Offset header. */
    static FullHttpResponse status(HttpResponseStatus status, RecordingSession s) {
        return status(status, s, -1);
    }

    /** The state with {@code maxDurationSeconds} (0: no limit) when {@code maxSeconds} is not negative. */
    static FullHttpResponse status(HttpResponseStatus status, RecordingSession s, long maxSeconds) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.id().value());
        o.put("room", s.room());
        o.put("contentType", s.type().mime());
        o.put("offset", s.offset());
        o.put("busy", s.busy());
        o.put("url", pathOf(s.type()) + s.id().value());
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

    private String noun() {
        return files ? "file" : "recording";
    }

    private void run(ChannelHandlerContext ctx, HttpRequest req, MediaApi.Step step) {
        Replies.onStorage(executor, store.health(), ctx, req, log, "recording", step);
    }

    private static StreamingHandler.Body notAllowed(ChannelHandlerContext ctx, String allow) {
        return Draining.answer(ctx, Replies.notAllowedResponse(allow));
    }

    /** A non-negative byte count or offset from a header or query (Upload-Length, Upload-Offset), else -1. */
    static long parseLong(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
