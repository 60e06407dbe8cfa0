package dev.switchboard.media.http;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.TokenRefused;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.ShareInbox;
import dev.switchboard.media.StorageExecutor;
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
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the Web Share Target (W3C Web Share Target, manifest {@code share_target}) for
 * browsers whose service worker did not take the share (first visit, worker not installed): documented
 * in docs/media-api.md, "Shares without a service worker".
 * <ul>
 * <li>{@code POST /share-target} (multipart/form-data: title, text, url, files): 303 to
 *     {@code /share.html?inbox=ID}; 400 {@code bad_multipart}, 413 {@code too_large}
 *     (media.max-file-bytes in all), 503 {@code inbox_full}.</li>
 * <li>{@code GET /api/share-inbox/{id}}: {@code {id, title, text, url, files: [{name, type, size, url}]}}.</li>
 * <li>{@code GET /api/share-inbox/{id}/files/{n}}: the file's bytes, streamed ({@link FileResponse}).</li>
 * <li>{@code DELETE /api/share-inbox/{id}}: 204; the share page deletes it once it holds the files.</li>
 * </ul>
 * The inbox id (128 random bits) is the only key: the share has no room yet.
 */
public final class ShareTargetApi {
    private static final Logger log = LoggerFactory.getLogger(ShareTargetApi.class);
    static final String TARGET = "/share-target";
    static final String INBOX = "/api/share-inbox/";
    private static final Pattern MIME = Pattern.compile("[a-z0-9][a-z0-9.+-]{0,63}/[a-z0-9][a-z0-9.+-]{0,63}");

    private final ShareInbox inbox;
    private final StorageExecutor executor;
    private final long maxBytes;

    private final Access access;

    public ShareTargetApi(ShareInbox inbox, StorageExecutor executor, long maxBytes) {
        this(inbox, executor, maxBytes, Access.open());
    }

    /**
     * With tokens enabled, {@code POST /share-target} needs a member token (of any room: a share has no
     * room yet), in {@code Authorization: Bearer} or {@code ?token=}; 401/403 otherwise. The inbox
     * routes need none: their 128-bit random id is the capability.
     */
    public ShareTargetApi(ShareInbox inbox, StorageExecutor executor, long maxBytes, Access access) {
        this.access = access == null ? Access.open() : access;
        this.inbox = inbox;
        this.executor = executor;
        this.maxBytes = maxBytes;
    }

    public List<Route> routes() {
        return List.of(Route.on("POST", TARGET).stream((c, r, p) -> target(c, r)),
                Route.on("GET HEAD DELETE", INBOX + "{id}").stream((c, r, p) -> share(c, r, p.get("id"))),
                Route.on("GET HEAD", INBOX + "{id}/files/{index}")
                        .stream((c, r, p) -> file(c, r, p.get("id"), p.get("index"))),
                Route.on("*", INBOX + "{rest...}").stream((c, r, p) -> Draining.answer(c, gone())));
    }

    private StreamingHandler.Body target(ChannelHandlerContext ctx, HttpRequest req) {
        if (access.enabled()) {
            try {
                RoomToken t = access.verify(Access.tokenOf(req));
                if (!t.role().atLeast(RoomToken.Role.MEMBER)) {
                    TokenRefused e = new TokenRefused(TokenRefused.Reason.FORBIDDEN);
                    access.count(e);
                    throw e;
                }
            } catch (TokenRefused e) {
                return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.valueOf(Access.httpStatus(e)),
                        e.reason().code(), e.getMessage()));
            }
        }
        String boundary = MultipartParser.boundary(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (boundary == null) {
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.BAD_REQUEST, "bad_multipart",
                    "a share is multipart/form-data with a boundary of 1 to 70 characters"));
        }
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > maxBytes + 1024 * 1024) { // the files plus room for the form's own lines
            return Draining.answer(ctx, Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too_large", "shared files are limited to " + maxBytes + " bytes in all (media.max-file-bytes)"));
        }
        ShareTargetBody body = new ShareTargetBody(ctx, Replies.copy(req), inbox,
                new SerialLane(executor, ctx.channel().eventLoop()), maxBytes, boundary);
        try {
            body.open();
        } catch (RejectedExecutionException e) {
            return Draining.answer(ctx, Replies.busyResponse());
        }
        return body;
    }

    /** {@code GET|HEAD|DELETE /api/share-inbox/{id}}. */
    private StreamingHandler.Body share(ChannelHandlerContext ctx, HttpRequest req, String idText) {
        MediaId id = MediaId.parse(idText);
        if (id == null) {
            return Draining.answer(ctx, gone());
        }
        HttpRequest r = Replies.copy(req);
        if (req.method().equals(HttpMethod.DELETE)) {
            run(ctx, r, () -> HttpResponses.send(ctx, r, inbox.delete(id)
                    ? HttpResponses.response(HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER, null) : gone()));
            return null;
        }
        run(ctx, r, () -> {
            Optional<ShareInbox.Share> s = inbox.find(id);
            if (s.isEmpty()) {
                HttpResponses.send(ctx, r, gone());
                return;
            }
            HttpResponses.send(ctx, r, describe(s.get()));
        });
        return null;
    }

    /** {@code GET|HEAD /api/share-inbox/{id}/files/{index}}. */
    private StreamingHandler.Body file(ChannelHandlerContext ctx, HttpRequest req, String idText, String index) {
        MediaId id = MediaId.parse(idText);
        if (id == null || !index.matches("[0-9]{1,3}")) {
            return Draining.answer(ctx, gone());
        }
        HttpRequest r = Replies.copy(req);
        run(ctx, r, () -> sendFile(ctx, r, id, Integer.parseInt(index)));
        return null;
    }

    private static FullHttpResponse describe(ShareInbox.Share s) throws Exception {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.id().value());
        o.put("title", s.title());
        o.put("text", s.text());
        o.put("url", s.url());
        List<Map<String, Object>> files = new ArrayList<>();
        for (ShareInbox.SharedFile f : s.files()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", f.name());
            j.put("type", f.type());
            j.put("size", f.size());
            j.put("url", INBOX + s.id().value() + "/files/" + f.index());
            files.add(j);
        }
        o.put("files", files);
        FullHttpResponse res = HttpResponses.response(HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(HttpResponses.JSON.writeValueAsBytes(o)), "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    private void sendFile(ChannelHandlerContext ctx, HttpRequest req, MediaId id, int index) throws IOException {
        Optional<ShareInbox.Share> share = inbox.find(id);
        FileChannel ch = share.isEmpty() ? null : inbox.open(id, index);
        if (ch == null) {
            HttpResponses.send(ctx, req, gone());
            return;
        }
        try {
            ShareInbox.SharedFile f = share.get().files().get(index);
            long length = ch.size();
            String type = MIME.matcher(f.type()).matches() ? f.type() : "application/octet-stream";
            HttpResponse res = FileResponse.head(HttpResponseStatus.OK, type, length);
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            FileResponse.send(executor, ctx, req, res, ch, 0, length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static FullHttpResponse gone() {
        return Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "no_share",
                "no share with this id (taken to a room already, or expired)");
    }

    private void run(ChannelHandlerContext ctx, HttpRequest req, MediaApi.Step step) {
        Replies.onStorage(executor, inbox.health(), ctx, req, log, "share inbox", step);
    }
}
