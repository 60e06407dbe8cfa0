package dev.switchboard.media.http;

import dev.switchboard.media.ShareInbox;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a {@code POST /share-target} that no service worker took: the multipart form (the
 * manifest's share_target params: title, text, url, files) is parsed on the event loop as it arrives
 * ({@link MultipartParser}); file contents go to a {@link ShareInbox} draft through the request's
 * {@link LaneWriter}, with the same back-pressure as uploads. The answer is 303 to the share page
 * with the inbox id; 400 for a malformed form, 413 past the size limit, 503 when the inbox is full.
 *
 * <p>Threads: the {@link StreamingHandler.Body} and {@link MultipartParser.Sink} methods run on the
 * event loop; the draft belongs to the lane (see {@link LaneWriter}).
 */
final class ShareTargetBody implements StreamingHandler.Body, MultipartParser.Sink, LaneWriter.Target {
    private static final Logger log = LoggerFactory.getLogger(ShareTargetBody.class);
    static final int MAX_TEXT_BYTES = 8192;
    static final int MAX_FILES = 100;

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final ShareInbox inbox;
    private final LaneWriter writer;
    private final long maxBytes;
    private final MultipartParser parser;

    // Event-loop state.
    private long fileBytes;
    private int files;
    private String field; // the plain field being read (title, text, url), or null
    private boolean inFile;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private String title = "";
    private String shared = "";
    private String url = "";

    // Lane state.
    private ShareInbox.Draft draft;

    ShareTargetBody(ChannelHandlerContext ctx, HttpRequest request, ShareInbox inbox, SerialLane lane, long maxBytes,
                    String boundary) {
        this.ctx = ctx;
        this.request = request;
        this.inbox = inbox;
        this.writer = new LaneWriter(ctx, request, lane, this);
        this.maxBytes = maxBytes;
        this.parser = new MultipartParser(boundary, this);
    }

    /** Opens the draft on the lane; throws RejectedExecutionException when the executor is saturated. */
    void open() {
        writer.open(() -> {
            try {
                draft = inbox.begin();
            } catch (ShareInbox.Full | IOException | RuntimeException e) {
                writeFailed(e);
            }
        });
    }

    @Override
    public void content(ByteBuf part) {
        if (writer.draining(part)) {
            return;
        }
        byte[] b = new byte[part.readableBytes()];
        part.getBytes(part.readerIndex(), b);
        try {
            parser.feed(b, 0, b.length);
        } catch (MultipartException e) {
            reject(badForm(e));
        }
    }

    @Override
    public void end() {
        if (writer.end()) {
            return;
        }
        try {
            parser.finish();
        } catch (MultipartException e) {
            reject(badForm(e));
            return;
        }
        String t = title;
        String s = shared;
        String u = url;
        boolean nothing = files == 0 && t.isEmpty() && s.isEmpty() && u.isEmpty();
        writer.submit(() -> {
            if (writer.stopped() || draft == null) {
                return;
            }
            try {
                String location;
                if (nothing) {
                    draft.discard();
                    location = "/share.html";
                } else {
                    location = "/share.html?inbox=" + draft.commit(t, s, u).id().value();
                }
                FullHttpResponse res = HttpResponses.response(HttpResponseStatus.SEE_OTHER, Unpooled.EMPTY_BUFFER, null);
                res.headers().set(HttpHeaderNames.LOCATION, location);
                res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                HttpResponses.send(ctx, request, res);
            } catch (IOException | RuntimeException e) {
                draft.discard();
                HttpResponses.send(ctx, request, failure(e));
            }
        });
    }

    @Override
    public void abort(Throwable cause) {
        writer.abort(cause);
    }

    // ---- MultipartParser.Sink, on the event loop ----

    @Override
    public void begin(MultipartParser.Part part) throws MultipartException {
        if (writer.answeredEarly()) {
            return;
        }
        field = null;
        inFile = false;
        if (part.filename() != null) {
            if (!part.name().equals("files") || part.filename().isEmpty()) {
                return; // not the manifest's file field, or the empty entry of a form with no file chosen
            }
            if (++files > MAX_FILES) {
                throw new MultipartException("more than " + MAX_FILES + " files");
            }
            inFile = true;
            String name = clip(part.filename(), 255);
            String type = part.contentType() == null ? "" : clip(part.contentType(), 127);
            writer.submit(() -> {
                if (!writer.stopped() && draft != null) {
                    try {
                        draft.newFile(name, type);
                    } catch (IOException | RuntimeException e) {
                        writeFailed(e);
                    }
                }
            });
            return;
        }
        if (part.name().equals("title") || part.name().equals("text") || part.name().equals("url")) {
            field = part.name();
            text.reset();
        }
    }

    @Override
    public void data(byte[] bytes, int offset, int length) throws MultipartException {
        if (writer.answeredEarly()) {
            return;
        }
        if (field != null) {
            if (text.size() + length > MAX_TEXT_BYTES) {
                throw new MultipartException("the " + field + " field is longer than " + MAX_TEXT_BYTES + " bytes");
            }
            text.write(bytes, offset, length);
            return;
        }
        if (!inFile) {
            return;
        }
        fileBytes += length;
        if (fileBytes > maxBytes) {
            reject(tooLarge());
            return;
        }
        ByteBuf copy = Unpooled.copiedBuffer(bytes, offset, length); // the parser reuses its array
        try {
            writer.add(copy);
        } finally {
            copy.release();
        }
    }

    @Override
    public void partEnd() {
        if (field != null) {
            String v = clip(text.toString(StandardCharsets.UTF_8), 2000);
            switch (field) {
                case "title" -> title = v;
                case "text" -> shared = v;
                default -> url = v;
            }
        }
        field = null;
        inFile = false;
    }

    // ---- lane side ----

    @Override
    public void write(ByteBuffer[] buffers) throws IOException, ShareInbox.Full {
        if (draft != null) {
            for (ByteBuffer b : buffers) {
                draft.write(b);
            }
        }
    }

    @Override
    public void writeFailed(Exception e) {
        fail(e instanceof ShareInbox.Full full ? full(full.getMessage()) : failure(e));
    }

    @Override
    public void cancelled() {
        if (!writer.failed() && draft != null) {
            draft.discard(); // a failure discarded it already
        }
    }

    /** 507/503 for a storage failure (logged once a minute by the store's health), else a logged 500. */
    private FullHttpResponse failure(Exception e) {
        if (StorageFailure.isStorage(e)) {
            return Replies.storageFailure(inbox.health(), e);
        }
        log.warn("cannot keep a share", e);
        return Replies.errorResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "cannot keep the share");
    }

    /** Drops the draft and answers from the loop (the first failure only). */
    private void fail(FullHttpResponse res) {
        if (!writer.failed() && draft != null) {
            draft.discard();
        }
        writer.fail(res);
    }

    private void reject(FullHttpResponse res) {
        writer.reject(res);
    }

    private FullHttpResponse tooLarge() {
        return Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                "shared files are limited to " + maxBytes + " bytes in all (media.max-file-bytes)");
    }

    static FullHttpResponse badForm(MultipartException e) {
        return Replies.errorResponse(HttpResponseStatus.BAD_REQUEST, "bad_multipart",
                "the share is not a valid multipart/form-data body: " + e.getMessage());
    }

    static FullHttpResponse full(String message) {
        FullHttpResponse res = Replies.errorResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, "inbox_full", message);
        res.headers().setInt(HttpHeaderNames.RETRY_AFTER, 60);
        return res;
    }

    /** At most {@code max} UTF-16 units of {@code s}, never half of a surrogate pair. */
    private static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
