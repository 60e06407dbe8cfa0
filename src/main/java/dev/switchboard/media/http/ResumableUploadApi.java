package dev.switchboard.media.http;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.media.MediaType;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.media.ResumableUpload;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.media.Upload;
import dev.switchboard.media.UploadKind;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
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
public final class ResumableUploadApi {
    private static final Logger log = LoggerFactory.getLogger(ResumableUploadApi.class);
    static final String PATH = "/api/recordings/";
    static final String FILE_PATH = "/api/file-uploads/";

    private final MediaStore store;
    private final StorageExecutor executor;
    private final ResumableUploads sessions;
    private final MediaEvents events;
    private final Access access;
    private final UploadKind kind;

    /** The uploads of the kind {@code sessions} carry ({@link ResumableUploads#kind}). */
    public ResumableUploadApi(MediaStore store, StorageExecutor executor, ResumableUploads sessions, MediaEvents events,
                              Access access) {
        this.kind = sessions.kind();
        this.store = store;
        this.executor = executor;
        this.sessions = sessions;
        this.events = events;
        this.access = access;
    }

    public Route route() {
        return Route.streaming(pathOf(kind), this::session);
    }

    /** Where the parts of an upload of this kind go. */
    static String pathOf(UploadKind kind) {
        return kind == UploadKind.FILE ? FILE_PATH : PATH;
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

    /** {@code POST /api/rooms/{room}/recordings}, the room name checked and the member role granted. */
    StreamingHandler.Body create(ChannelHandlerContext ctx, HttpRequest req, String room) {
        MediaType type = kind == UploadKind.FILE ? MediaType.FILE
                : MediaType.recordingFromContentType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
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
            ResumableUploads.Refusal full = sessions.quota(room, client);
            ResumableUpload s = full == null ? sessions.create(room, type, declaredTotal, client) : null;
            if (s == null) {
                String where = full == ResumableUploads.Refusal.ROOM ? " in this room"
                        : full == ResumableUploads.Refusal.CLIENT ? " from this client" : "";
                Replies.error(ctx, r, HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_uploads",
                        "too many " + kind.noun() + " uploads are open" + where + "; finish or cancel one");
                return;
            }
            FullHttpResponse res = status(HttpResponseStatus.CREATED, s,
                    kind == UploadKind.FILE ? -1 : sessions.maxDuration().toSeconds());
            res.headers().set(HttpHeaderNames.LOCATION, pathOf(s.kind()) + s.id().value());
            HttpResponses.send(ctx, r, res);
        });
        return null;
    }

    private StreamingHandler.Body session(ChannelHandlerContext ctx, HttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String[] parts = uri.path().substring(pathOf(kind).length()).split("/", -1);
        boolean finish = parts.length == 2 && parts[1].equals("finish");
        if (parts.length > 2 || (parts.length == 2 && !finish)) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such resource: " + uri.path()));
        }
        MediaId id = MediaId.parse(parts[0]);
        ResumableUpload s = id == null ? null : sessions.find(id);
        if (id != null && sessions.shared() && (s == null || req.method().equals(HttpMethod.GET)
                || req.method().equals(HttpMethod.HEAD))) {
            // The offset as the shared folder has it: another node may have moved the session on.
            return fromFolder(ctx, req, id, finish);
        }
        if (s == null) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "no_upload",
                    "no " + kind.noun() + " upload with this id (finished, cancelled or expired)"));
        }
        try {
            access.check(Access.tokenOf(req), s.room(), RoomToken.Role.MEMBER);
        } catch (TokenRefused e) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)),
                    e.reason().code(), e.getMessage()));
        }
        HttpMethod m = req.method();
        boolean writes = finish || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH);
        if (writes && kind == UploadKind.RECORDING && sessions.pastDuration(s)) {
            return Draining.answer(ctx, offsetError(HttpResponseStatus.CONFLICT, "recording_too_long",
                    "recordings are limited to " + sessions.maxDuration().toSeconds()
                            + " s (media.max-recording-duration); this upload is past it", s.offset()));
        }
        if (finish) {
            if (!m.equals(HttpMethod.POST)) {
                return notAllowed(ctx, "POST");
            }
            HttpRequest r = Replies.copy(req);
            return new FinishBody(ctx, r, (sha, size) -> run(ctx, r, () -> finish(ctx, r, s, sha, size)));
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
            run(ctx, r, () -> delete(ctx, r, s));
            return null;
        }
        return notAllowed(ctx, "GET, HEAD, PUT, PATCH, DELETE");
    }

    private void delete(ChannelHandlerContext ctx, HttpRequest r, ResumableUpload s) throws Exception {
        if (s.claim(-1, sessions.now()) != ResumableUpload.Claim.CLAIMED) {
            HttpResponses.send(ctx, r, offsetError(HttpResponseStatus.CONFLICT, "busy",
                    "a part is being uploaded", s.offset()));
            return;
        }
        ResumableUpload current = entered(ctx, r, s);
        if (current == null) {
            return;
        }
        if (current != s) {
            delete(ctx, r, current);
            return;
        }
        sessions.abandon(s);
        HttpResponses.send(ctx, r, HttpResponses.response(HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER, null));
    }

    /**
     * A shared media folder: a session this node does not hold may be another node's (the client came here
     * after a failover); it is read from the folder on the executor. A part is answered 409 {@code busy}
     * at once (its body cannot wait for the disk) while the session is read, so the client asks for the
     * offset, as after any failed part, and continues here.
     */
    private StreamingHandler.Body fromFolder(ChannelHandlerContext ctx, HttpRequest req, MediaId id, boolean finish) {
        HttpMethod m = req.method();
        if (finish && m.equals(HttpMethod.POST)) {
            HttpRequest r = Replies.copy(req);
            return new FinishBody(ctx, r, (sha, size) -> run(ctx, r, () -> {
                ResumableUpload target = adopted(ctx, r, id);
                if (target != null) {
                    finish(ctx, r, target, sha, size);
                }
            }));
        }
        if (!finish && (m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH))) {
            try {
                executor.execute(() -> {
                    try {
                        sessions.adopt(id);
                    } catch (Exception e) {
                        log.debug("cannot read upload {} from the shared folder yet: {}", id.value(), e.toString());
                    }
                });
            } catch (RejectedExecutionException e) {
                return Draining.answer(ctx, Replies.busyResponse());
            }
            return Draining.answer(ctx, offsetError(HttpResponseStatus.CONFLICT, "busy",
                    "this upload continues on this server now; ask for its offset and retry", -1));
        }
        if (finish || !(m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.DELETE))) {
            return notAllowed(ctx, finish ? "POST" : "GET, HEAD, PUT, PATCH, DELETE");
        }
        HttpRequest r = Replies.copy(req);
        run(ctx, r, () -> {
            ResumableUpload s = adopted(ctx, r, id);
            if (s == null) {
                return;
            }
            if (m.equals(HttpMethod.DELETE)) {
                delete(ctx, r, s);
            } else {
                HttpResponses.send(ctx, r, status(HttpResponseStatus.OK, s));
            }
        });
        return null;
    }

    /** On the executor: the session read from the shared folder, checked against the token; or null, answered. */
    private ResumableUpload adopted(ChannelHandlerContext ctx, HttpRequest req, MediaId id) throws Exception {
        ResumableUpload s;
        try {
            s = sessions.adopt(id);
        } catch (ResumableUploads.Busy e) {
            HttpResponses.send(ctx, req, offsetError(HttpResponseStatus.CONFLICT, "busy",
                    "another part is being uploaded; ask for the offset and retry", -1));
            return null;
        }
        if (s == null) {
            Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "no_upload",
                    "no " + kind.noun() + " upload with this id (finished, cancelled or expired)");
            return null;
        }
        try {
            access.check(Access.tokenOf(req), s.room(), RoomToken.Role.MEMBER);
        } catch (TokenRefused e) {
            HttpResponses.send(ctx, req, Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)),
                    e.reason().code(), e.getMessage()));
            return null;
        }
        return s;
    }

    /**
     * On the executor, with {@code s} claimed: {@code s} when no other node moved it on (shared folder),
     * the session as read again from the folder when one did, or null (answered: busy, or gone).
     */
    private ResumableUpload entered(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s) throws Exception {
        switch (sessions.enter(s)) {
            case CURRENT -> {
                return s;
            }
            case BUSY -> {
                s.release(sessions.now());
                HttpResponses.send(ctx, req, offsetError(HttpResponseStatus.CONFLICT, "busy",
                        "a part is being uploaded on another server", -1));
                return null;
            }
            case MOVED -> {
                ResumableUpload fresh = adopted(ctx, req, s.id());
                if (fresh == null || fresh.claim(-1, sessions.now()) == ResumableUpload.Claim.CLAIMED) {
                    if (fresh != null) {
                        fresh.release(sessions.now());
                    }
                    return fresh;
                }
                HttpResponses.send(ctx, req, offsetError(HttpResponseStatus.CONFLICT, "busy",
                        "a part is being uploaded", fresh.offset()));
                return null;
            }
            default -> {
                Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "no_upload",
                        "the " + kind.noun() + " upload was finished or cancelled on another server");
                return null;
            }
        }
    }

    private StreamingHandler.Body part(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s,
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
                        "the " + kind.noun() + " upload is finished or cancelled"));
            }
        }
        SerialLane lane = new SerialLane(executor, ctx.channel().eventLoop());
        UploadPart body = new UploadPart(ctx, Replies.copy(req), s, sessions, lane, at);
        try {
            lane.start(body::enter);
        } catch (RejectedExecutionException e) {
            s.release(sessions.now());
            return Draining.answer(ctx, Replies.busyResponse());
        }
        return body;
    }

    private void finish(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s, String sha, long size)
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
        ResumableUpload current = entered(ctx, req, s);
        if (current != s) {
            if (current != null) {
                finish(ctx, req, current, sha, size);
            }
            return;
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
        byte[] head = upload.head(MediaType.SNIFF_BYTES);
        MediaType found = MediaType.detect(head, head.length);
        if (s.type() != MediaType.FILE && found != s.type()) {
            sessions.abandon(s);
            Replies.error(ctx, req, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_type",
                    "the recording is not a " + s.type().mime() + " file"
                            + (s.type() == MediaType.WEBM ? " (no EBML header)" : " (no ftyp box)"));
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
        if (stored.created() && kind == UploadKind.RECORDING) {
            events.publish(s.room(), "media-added", json); // files are not gallery items
        }
        sessions.sweep();
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
        o.put("url", pathOf(s.kind()) + s.id().value());
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

    private void run(ChannelHandlerContext ctx, HttpRequest req, MediaApi.Step step) {
        Replies.onStorage(executor, store.health(), ctx, req, log, "recording", step);
    }

    private static StreamingHandler.Body notAllowed(ChannelHandlerContext ctx, String allow) {
        return Draining.answer(ctx, Replies.notAllowedResponse(allow));
    }

    private static long parseLong(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
