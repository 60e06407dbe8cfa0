package dev.switchboard.media.http;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.media.ImageType;
import dev.switchboard.media.Media;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.room.RoomName;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.StreamingHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import dev.switchboard.media.RecordingSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The photo REST API over the {@link MediaStore}:
 * <ul>
 * <li>{@code POST /api/rooms/{room}/photos}: raw image body (JPEG, PNG, WebP), optional
 *     {@code X-Content-SHA256}; 201 with the photo as JSON (200 when the room has these bytes already);
 *     400 bad room or empty body, 413 too large, 415 wrong type, 422 digest mismatch.</li>
 * <li>{@code GET /api/rooms/{room}/photos?limit=&before=}: JSON array, newest first; {@code before} is
 *     the id of the last photo of the previous page ({@code X-Next-Before} names it when a page is full).</li>
 * <li>{@code GET|HEAD /api/media/{id}} and {@code /api/media/{id}/thumbnail}: see {@link MediaDownloads}.</li>
 * <li>{@code GET /api/rooms/{room}/media?limit=&before=}: photos and recordings together, each with its
 *     {@code kind}; the photos listing shows photos only.</li>
 * <li>{@code POST /api/rooms/{room}/recordings} and {@code /api/recordings/...}: see {@link RecordingApi}.</li>
 * <li>{@code POST /api/rooms/{room}/file-uploads} and {@code /api/file-uploads/...}: the same as one
 *     resumable upload in parts, as for recordings (see {@link RecordingApi}).</li>
 * <li>{@code POST /api/rooms/{room}/files}: any file, raw body, {@code X-Content-SHA256} required, for a
 *     peer the sender cannot reach directly; streamed to disk like photos, stored as kind "file" (served
 *     by {@code /api/media/{id}}, left out of the listings); 413 past {@code media.max-file-bytes}.</li>
 * <li>{@code DELETE /api/media/{id}}: 204, or 404.</li>
 * </ul>
 * Every disk and database step runs on the {@link StorageExecutor}; a saturated executor gives 503 with
 * Retry-After. Events {@code media-added} and {@code media-removed} go to the room.
 */
public final class MediaApi {
    private static final Logger log = LoggerFactory.getLogger(MediaApi.class);
    static final String ROOMS = "/api/rooms/";
    static final String MEDIA = "/api/media/";
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;
    /** Recording limits when none are configured: 1 GiB, and this many uploads open at once. */
    public static final long DEFAULT_MAX_RECORDING_BYTES = 1L << 30;
    public static final int MAX_RECORDING_UPLOADS = 256;
    /** The largest file relayed through the server when none is configured: 1 GiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 1L << 30;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final MediaStore store;
    private final StorageExecutor executor;
    private final int maxPhotoBytes;
    private final long maxFileBytes;
    private final MediaEvents events;
    private final MediaDownloads downloads;

    private final Access access;
    private final RecordingApi recordings;
    private final RecordingApi fileUploads;

    public MediaApi(MediaStore store, StorageExecutor executor, int maxPhotoBytes, MediaEvents events) {
        this(store, executor, maxPhotoBytes, events, Access.open());
    }

    public MediaApi(MediaStore store, StorageExecutor executor, int maxPhotoBytes, MediaEvents events, Access access) {
        this(store, executor, maxPhotoBytes, events, access, new RecordingSessions(store, DEFAULT_MAX_RECORDING_BYTES,
                Duration.ofHours(1), MAX_RECORDING_UPLOADS, System::nanoTime));
    }

    /**
     * With room tokens enabled: uploading needs the member role in the room, listing the viewer role,
     * deleting the admin role for the photo's room. Photo bytes and thumbnails are served to whoever has
     * the (random, unguessable) id, so that {@code <img>} tags work.
     */
    public MediaApi(MediaStore store, StorageExecutor executor, int maxPhotoBytes, MediaEvents events, Access access,
                    RecordingSessions recordingSessions) {
        this(store, executor, maxPhotoBytes, events, access, recordingSessions, DEFAULT_MAX_FILE_BYTES);
    }

    /** As above, with the largest file accepted by {@code POST /api/rooms/{room}/files}. */
    public MediaApi(MediaStore store, StorageExecutor executor, int maxPhotoBytes, MediaEvents events, Access access,
                    RecordingSessions recordingSessions, long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
        this.access = access;
        this.recordings = new RecordingApi(store, executor, recordingSessions, events, access);
        RecordingSessions fileSessions = new RecordingSessions(store, RecordingSessions.FILES, maxFileBytes,
                Duration.ofHours(1), Duration.ZERO, MAX_RECORDING_UPLOADS, System::nanoTime, Clock.systemUTC());
        this.fileUploads = new RecordingApi(store, executor, fileSessions, events, access, true);
        try {
            // Uploads in progress before a restart (blocking: this runs at start, before any listener).
            recordingSessions.restore();
            fileSessions.restore();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the uploads in progress", e);
        }
        this.store = store;
        this.executor = executor;
        this.maxPhotoBytes = maxPhotoBytes;
        this.events = events;
        this.downloads = new MediaDownloads(store, events, executor);
    }

    /** The API's routes, to be placed before the catch-all static route. */
    public List<Route> routes() {
        return List.of(Route.streaming(ROOMS, this::rooms), Route.prefix(MEDIA, this::media, 0), recordings.route(),
                fileUploads.route());
    }

    private StreamingHandler.Body rooms(ChannelHandlerContext ctx, HttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String[] parts = uri.path().substring(ROOMS.length()).split("/", -1);
        boolean recording = parts.length == 2 && parts[1].equals("recordings");
        boolean all = parts.length == 2 && parts[1].equals("media");
        boolean file = parts.length == 2 && parts[1].equals("files");
        boolean fileUpload = parts.length == 2 && parts[1].equals("file-uploads");
        if (parts.length != 2 || !(parts[1].equals("photos") || recording || all || file || fileUpload)) {
            Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not_found", "no such resource: " + uri.path());
            return null;
        }
        String room = parts[0];
        if (!RoomName.isValid(room)) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_room",
                    "room names are 1 to 64 characters of A-Z a-z 0-9 _ -");
            return null;
        }
        if (req.method().equals(HttpMethod.POST) && !all) {
            TokenRefused refused = refusal(req, room, RoomToken.Role.MEMBER);
            if (refused != null) {
                return Draining.answer(ctx, refusedResponse(refused));
            }
            return recording ? recordings.create(ctx, req, room) : fileUpload ? fileUploads.create(ctx, req, room)
                    : file ? uploadFile(ctx, req, room) : upload(ctx, req, room);
        }
        if (recording || file || fileUpload) {
            notAllowed(ctx, req, "POST");
            return null;
        }
        if (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD)) {
            TokenRefused refused = refusal(req, room, RoomToken.Role.VIEWER);
            if (refused != null) {
                return Draining.answer(ctx, refusedResponse(refused));
            }
            list(ctx, req, room, uri.parameters(), all ? null : "photo");
            return null;
        }
        notAllowed(ctx, req, all ? "GET, HEAD" : "GET, HEAD, POST");
        return null;
    }

    private StreamingHandler.Body upload(ChannelHandlerContext ctx, HttpRequest req, String room) {
        ImageType declared = ImageType.fromContentType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (declared == null) {
            Replies.error(ctx, req, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_type",
                    "Content-Type must be image/jpeg, image/png or image/webp");
            return null;
        }
        String claimed = req.headers().get("X-Content-SHA256");
        if (claimed != null && !SHA256.matcher(claimed.trim()).matches()) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "X-Content-SHA256 must be 64 hexadecimal digits");
            return null;
        }
        long declaredLength = HttpUtil.getContentLength(req, -1L);
        if (declaredLength > maxPhotoBytes) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too_large", "the photo is larger than " + maxPhotoBytes + " bytes"));
        }
        String expected = claimed == null ? null : claimed.trim().toLowerCase(Locale.ROOT);
        UploadBody body = new UploadBody(ctx, Replies.copy(req), store, new SerialLane(executor, ctx.channel().eventLoop()),
                this::stored, room, declared, expected, maxPhotoBytes);
        try {
            body.open();
        } catch (RejectedExecutionException e) {
            return Draining.answer(ctx, Replies.busyResponse());
        }
        return body;
    }

    /**
     * A file of any type for a peer without a direct path: the digest is required (the peer checks it
     * too), the size limit is {@code media.max-file-bytes}; no {@code media-added}, as files are not
     * gallery items.
     */
    private StreamingHandler.Body uploadFile(ChannelHandlerContext ctx, HttpRequest req, String room) {
        String claimed = req.headers().get("X-Content-SHA256");
        if (claimed == null || !SHA256.matcher(claimed.trim()).matches()) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "files need X-Content-SHA256: the file's SHA-256 as 64 hexadecimal digits"));
        }
        long declaredLength = HttpUtil.getContentLength(req, -1L);
        if (declaredLength > maxFileBytes) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too_large", "files sent through the server are limited to " + maxFileBytes
                            + " bytes (media.max-file-bytes); this one has " + declaredLength));
        }
        UploadBody body = new UploadBody(ctx, Replies.copy(req), store, new SerialLane(executor, ctx.channel().eventLoop()),
                (c, r, stored) -> HttpResponses.json(c, r, stored.created() ? HttpResponseStatus.CREATED
                        : HttpResponseStatus.OK, Replies.json(stored.media())),
                room, ImageType.FILE, claimed.trim().toLowerCase(Locale.ROOT), maxFileBytes, "file",
                " (media.max-file-bytes)");
        try {
            body.open();
        } catch (RejectedExecutionException e) {
            return Draining.answer(ctx, Replies.busyResponse());
        }
        return body;
    }

    private void stored(ChannelHandlerContext ctx, HttpRequest req, MediaStore.Stored stored) {
        Map<String, Object> json = Replies.json(stored.media());
        HttpResponses.json(ctx, req, stored.created() ? HttpResponseStatus.CREATED : HttpResponseStatus.OK, json);
        if (stored.created()) {
            events.publish(stored.media().room(), "media-added", json);
        }
    }

    private void list(ChannelHandlerContext ctx, HttpRequest req, String room, Map<String, List<String>> query,
                      String kind) {
        int limit = DEFAULT_PAGE;
        String limitParam = first(query, "limit");
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_PAGE) {
                Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_request",
                        "limit must be between 1 and " + MAX_PAGE);
                return;
            }
        }
        String beforeParam = first(query, "before");
        MediaId before = beforeParam == null || beforeParam.isEmpty() ? null : MediaId.parse(beforeParam);
        if (beforeParam != null && !beforeParam.isEmpty() && before == null) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_request", "before must be a photo id");
            return;
        }
        int pageSize = limit;
        HttpRequest r = Replies.copy(req);
        run(ctx, r, () -> {
            List<Media> page = store.list(room, pageSize, before, kind);
            var res = HttpResponses.response(HttpResponseStatus.OK,
                    io.netty.buffer.Unpooled.wrappedBuffer(HttpResponses.JSON.writeValueAsBytes(
                            page.stream().map(Replies::json).toList())), "application/json; charset=utf-8");
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            if (page.size() == pageSize) {
                res.headers().set("X-Next-Before", page.get(page.size() - 1).id().value());
            }
            HttpResponses.send(ctx, r, res);
        });
    }

    private void media(ChannelHandlerContext ctx, FullHttpRequest full) {
        HttpRequest req = Replies.copy(full);
        String path = new QueryStringDecoder(req.uri()).path();
        String[] parts = path.substring(MEDIA.length()).split("/", -1);
        boolean thumbnail = parts.length == 2 && parts[1].equals("thumbnail");
        if (parts.length > 2 || (parts.length == 2 && !thumbnail)) {
            Replies.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not_found", "no such resource: " + path);
            return;
        }
        MediaId id = MediaId.parse(parts[0]);
        if (id == null) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_id", "not a photo id");
            return;
        }
        HttpMethod m = req.method();
        boolean read = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
        if (read) {
            run(ctx, req, () -> {
                if (thumbnail) {
                    downloads.thumbnail(ctx, req, id);
                } else {
                    downloads.original(ctx, req, id);
                }
            });
        } else if (m.equals(HttpMethod.DELETE) && !thumbnail) {
            RoomToken token;
            try {
                token = access.verify(Access.tokenOf(req));
                if (token != null && !token.role().atLeast(RoomToken.Role.ADMIN)) {
                    throw new TokenRefused(TokenRefused.Reason.FORBIDDEN);
                }
            } catch (TokenRefused e) {
                access.count(e);
                HttpResponses.send(ctx, req, refusedResponse(e));
                return;
            }
            run(ctx, req, () -> {
                if (token != null) {
                    var found = store.find(id);
                    if (found.isPresent() && !token.allowsRoom(found.get().room())) {
                        TokenRefused wrong = new TokenRefused(TokenRefused.Reason.WRONG_ROOM);
                        access.count(wrong);
                        HttpResponses.send(ctx, req, refusedResponse(wrong));
                        return;
                    }
                }
                downloads.delete(ctx, req, id);
            });
        } else {
            notAllowed(ctx, req, thumbnail ? "GET, HEAD" : "GET, HEAD, DELETE");
        }
    }

    private TokenRefused refusal(HttpRequest req, String room, RoomToken.Role role) {
        try {
            access.check(Access.tokenOf(req), room, role);
            return null;
        } catch (TokenRefused e) {
            return e;
        }
    }

    private static io.netty.handler.codec.http.FullHttpResponse refusedResponse(TokenRefused e) {
        return Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)), e.reason().code(), e.getMessage());
    }

    /** A blocking step of a request, on the storage executor; 503 when saturated, 500 when it fails. */
    interface Step {
        void run() throws Exception;
    }

    private void run(ChannelHandlerContext ctx, HttpRequest req, Step step) {
        Replies.onStorage(executor, store.health(), ctx, req, log, "media", step);
    }

    private static void notAllowed(ChannelHandlerContext ctx, HttpRequest req, String allow) {
        HttpResponses.send(ctx, req, Replies.notAllowedResponse(allow));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
