package dev.switchboard.media.http;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.media.MediaKind;
import dev.switchboard.media.MediaType;
import dev.switchboard.media.Media;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.web.Draining;
import dev.switchboard.room.RoomName;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.StreamingHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
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
 * <li>{@code POST /api/rooms/{room}/recordings} and {@code /api/recordings/...}: see {@link ResumableUploadApi}.</li>
 * <li>{@code POST /api/rooms/{room}/file-uploads} and {@code /api/file-uploads/...}: the same as one
 *     resumable upload in parts, as for recordings (see {@link ResumableUploadApi}).</li>
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
    private final RoomGuards guards;
    private final ResumableUploadApi recordings;
    private final ResumableUploadApi fileUploads;

    /**
     * With room tokens enabled: uploading needs the member role in the room, listing the viewer role,
     * deleting the admin role for the photo's room. Photo bytes and thumbnails are served to whoever has
     * the (random, unguessable) id, so that {@code <img>} tags work. {@code recordingSessions} and
     * {@code fileSessions} are the resumable uploads (restored from disk by the caller at start-up);
     * {@code maxFileBytes} bounds {@code POST /api/rooms/{room}/files}.
     */
    public MediaApi(MediaStore store, StorageExecutor executor, int maxPhotoBytes, long maxFileBytes, MediaEvents events,
                    Access access, ResumableUploads recordingSessions, ResumableUploads fileSessions) {
        this.maxFileBytes = maxFileBytes;
        this.access = access;
        this.guards = new RoomGuards(access);
        this.recordings = new ResumableUploadApi(store, executor, recordingSessions, events, access);
        this.fileUploads = new ResumableUploadApi(store, executor, fileSessions, events, access);
        this.store = store;
        this.executor = executor;
        this.maxPhotoBytes = maxPhotoBytes;
        this.events = events;
        this.downloads = new MediaDownloads(store, events, executor);
    }

    /** The API's routes; {@code /api/...} paths none of them takes are 404. */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>(List.of(
                Route.on("GET HEAD", ROOMS + "{room}/photos").guard(guards.viewer())
                        .stream((c, r, p) -> list(c, r, p.get("room"), MediaKind.PHOTO)),
                Route.on("POST", ROOMS + "{room}/photos").guard(guards.member())
                        .stream((c, r, p) -> upload(c, r, p.get("room"))),
                Route.on("GET HEAD", ROOMS + "{room}/media").guard(guards.viewer())
                        .stream((c, r, p) -> list(c, r, p.get("room"), null)),
                Route.on("POST", ROOMS + "{room}/files").guard(guards.member())
                        .stream((c, r, p) -> uploadFile(c, r, p.get("room"))),
                Route.on("POST", ROOMS + "{room}/recordings").guard(guards.member())
                        .stream((c, r, p) -> recordings.create(c, r, p.get("room"))),
                Route.on("POST", ROOMS + "{room}/file-uploads").guard(guards.member())
                        .stream((c, r, p) -> fileUploads.create(c, r, p.get("room"))),
                Route.on("GET HEAD", MEDIA + "{id}").stream((c, r, p) -> read(c, r, p.get("id"), false)),
                Route.on("DELETE", MEDIA + "{id}").stream((c, r, p) -> delete(c, r, p.get("id"))),
                Route.on("GET HEAD", MEDIA + "{id}/thumbnail").stream((c, r, p) -> read(c, r, p.get("id"), true))));
        routes.addAll(recordings.routes());
        routes.addAll(fileUploads.routes());
        routes.add(Route.notFound("/api/{rest...}"));
        return routes;
    }

    private StreamingHandler.Body upload(ChannelHandlerContext ctx, HttpRequest req, String room) {
        MediaType declared = MediaType.fromContentType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
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
                room, MediaType.FILE, claimed.trim().toLowerCase(Locale.ROOT), maxFileBytes, "file",
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

    private StreamingHandler.Body list(ChannelHandlerContext ctx, HttpRequest req, String room, MediaKind kind) {
        Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
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
                return null;
            }
        }
        String beforeParam = first(query, "before");
        MediaId before = beforeParam == null || beforeParam.isEmpty() ? null : MediaId.parse(beforeParam);
        if (beforeParam != null && !beforeParam.isEmpty() && before == null) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_request", "before must be a photo id");
            return null;
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
        return null;
    }

    private StreamingHandler.Body read(ChannelHandlerContext ctx, HttpRequest head, String idText, boolean thumbnail) {
        HttpRequest req = Replies.copy(head);
        MediaId id = MediaId.parse(idText);
        if (id == null) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_id", "not a photo id");
            return null;
        }
        run(ctx, req, () -> {
            if (thumbnail) {
                downloads.thumbnail(ctx, req, id);
            } else {
                downloads.original(ctx, req, id);
            }
        });
        return null;
    }

    /** Needs the admin role of the item's room when room tokens are enabled. */
    private StreamingHandler.Body delete(ChannelHandlerContext ctx, HttpRequest head, String idText) {
        HttpRequest req = Replies.copy(head);
        MediaId id = MediaId.parse(idText);
        if (id == null) {
            Replies.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad_id", "not a photo id");
            return null;
        }
        RoomToken token;
        try {
            token = access.verify(Access.tokenOf(req));
            if (token != null && !token.role().atLeast(RoomToken.Role.ADMIN)) {
                throw new TokenRefused(TokenRefused.Reason.FORBIDDEN);
            }
        } catch (TokenRefused e) {
            access.count(e);
            return Draining.answer(ctx, req, RoomGuards.refused(e));
        }
        run(ctx, req, () -> {
            if (token != null) {
                var found = store.find(id);
                if (found.isPresent() && !token.allowsRoom(found.get().room())) {
                    TokenRefused wrong = new TokenRefused(TokenRefused.Reason.WRONG_ROOM);
                    access.count(wrong);
                    HttpResponses.send(ctx, req, RoomGuards.refused(wrong));
                    return;
                }
            }
            downloads.delete(ctx, req, id);
        });
        return null;
    }

    /** A blocking step of a request, on the storage executor; 503 when saturated, 500 when it fails. */
    interface Step {
        void run() throws Exception;
    }

    private void run(ChannelHandlerContext ctx, HttpRequest req, Step step) {
        Replies.onStorage(executor, store.health(), ctx, req, log, "media", step);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
