package dev.switchboard.media.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The small JSON body {@code {sha256, size?}} of a resumable upload's finish request
 * ({@link ResumableUploadApi}), gathered on the event loop: 413 past {@link #MAX_BYTES}, 400 without
 * a digest of 64 hexadecimal digits; otherwise the digest (lower case) and the size (-1 for none) go
 * to the finish step. Event loop only.
 */
final class FinishBody implements StreamingHandler.Body {
    static final int MAX_BYTES = 4096;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** The finish step, given the client's digest and size. */
    interface Step {
        void finish(String sha256, long size);
    }

    private final ChannelHandlerContext ctx;
    private final HttpRequest req;
    private final Step step;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Draining rejected;

    FinishBody(ChannelHandlerContext ctx, HttpRequest req, Step step) {
        this.ctx = ctx;
        this.req = req;
        this.step = step;
    }

    @Override
    public void content(ByteBuf part) {
        if (rejected != null) {
            rejected.content(part);
            return;
        }
        if (body.size() + part.readableBytes() > MAX_BYTES) {
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
        step.finish(sha.toLowerCase(Locale.ROOT), size);
    }

    @Override
    public void abort(Throwable cause) {
        if (rejected != null) {
            rejected.abort(cause);
        }
    }
}
