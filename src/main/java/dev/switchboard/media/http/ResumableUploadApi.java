package dev.switchboard.media.http;

import static dev.switchboard.media.http.UploadReplies.limitMessage;
import static dev.switchboard.media.http.UploadReplies.offsetError;
import static dev.switchboard.media.http.UploadReplies.status;

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
import dev.switchboard.web.Draining;
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
 * <p>With a shared media folder a session may move between nodes; {@link FolderHandover} reads it again.
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
    private final FolderHandover handover;

    /** The uploads of the kind {@code sessions} carry ({@link ResumableUploads#kind}). */
    public ResumableUploadApi(MediaStore store, StorageExecutor executor, ResumableUploads sessions, MediaEvents events,
                              Access access) {
        this.kind = sessions.kind();
        this.store = store;
        this.executor = executor;
        this.sessions = sessions;
        this.events = events;
        this.access = access;
        this.handover = new FolderHandover(sessions, executor, access, new FolderHandover.Steps() {
            @Override
            public void run(ChannelHandlerContext ctx, HttpRequest req, MediaApi.Step step) {
                ResumableUploadApi.this.run(ctx, req, step);
            }

            @Override
            public void finish(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s, String sha, long size)
                    throws Exception {
                ResumableUploadApi.this.finish(ctx, req, s, sha, size);
            }

            @Override
            public void delete(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s) throws Exception {
                ResumableUploadApi.this.delete(ctx, req, s);
            }
        });
    }

    /** A session ({@code {id}}) and its finish step. */
    List<Route> routes() {
        String base = pathOf(kind);
        return List.of(Route.on("GET HEAD PUT PATCH DELETE", base + "{id}")
                        .stream((c, r, p) -> session(c, r, p.get("id"), false)),
                Route.on("POST", base + "{id}/finish").stream((c, r, p) -> session(c, r, p.get("id"), true)));
    }

    /** Where the parts of an upload of this kind go. */
    static String pathOf(UploadKind kind) {
        return kind == UploadKind.FILE ? FILE_PATH : PATH;
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

    /**
     * A session's route, {@code finish} for its finish step; the router let through only the methods
     * of {@link #routes}.
     */
    private StreamingHandler.Body session(ChannelHandlerContext ctx, HttpRequest req, String idText, boolean finish) {
        MediaId id = MediaId.parse(idText);
        ResumableUpload s = id == null ? null : sessions.find(id);
        if (id != null && sessions.shared() && (s == null || req.method().equals(HttpMethod.GET)
                || req.method().equals(HttpMethod.HEAD))) {
            // The offset as the shared folder has it: another node may have moved the session on.
            return handover.fromFolder(ctx, req, id, finish);
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
            HttpRequest r = Replies.copy(req);
            return new FinishBody(ctx, r, (sha, size) -> run(ctx, r, () -> finish(ctx, r, s, sha, size)));
        }
        if (m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.GET)) {
            HttpResponses.send(ctx, req, status(HttpResponseStatus.OK, s));
            return null;
        }
        if (m.equals(HttpMethod.DELETE)) {
            HttpRequest r = Replies.copy(req);
            run(ctx, r, () -> delete(ctx, r, s));
            return null;
        }
        return part(ctx, req, s); // PUT or PATCH
    }

    private void delete(ChannelHandlerContext ctx, HttpRequest r, ResumableUpload s) throws Exception {
        if (s.claim(-1, sessions.now()) != ResumableUpload.Claim.CLAIMED) {
            HttpResponses.send(ctx, r, offsetError(HttpResponseStatus.CONFLICT, "busy",
                    "a part is being uploaded", s.offset()));
            return;
        }
        ResumableUpload current = handover.entered(ctx, r, s);
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

    private StreamingHandler.Body part(ChannelHandlerContext ctx, HttpRequest req, ResumableUpload s) {
        List<String> q = new QueryStringDecoder(req.uri()).parameters().get("offset");
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
        ResumableUpload current = handover.entered(ctx, req, s);
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

    private void run(ChannelHandlerContext ctx, HttpRequest req, MediaApi.Step step) {
        Replies.onStorage(executor, store.health(), ctx, req, log, "recording", step);
    }

    /** A non-negative byte count or offset from a header or query (Upload-Length, Upload-Offset), else -1. */
    static long parseLong(String s) {
        String digits = s.trim();
        if (digits.isEmpty() || digits.length() > 19) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1; // digits only: no sign ("-0", "+5"), no other numerals
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }
}
