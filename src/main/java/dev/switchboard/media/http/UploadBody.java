package dev.switchboard.media.http;

import dev.switchboard.log.LogLimiter;
import dev.switchboard.media.ImageType;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.media.Upload;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one {@code POST /api/rooms/{room}/photos} (or {@code /files}, which skips the signature
 * check and needs the digest). On the event loop it counts the bytes against
 * the limit (413), checks the first bytes' signature against the declared type (415) and gathers the
 * parts, retained, into batches of up to {@link #BATCH_BYTES} that the upload's {@link SerialLane}
 * writes to the temporary file and hashes. Back-pressure: past {@link #HIGH_WATER} bytes waiting for the disk, the connection stops
 * reading (autoRead off) until the lane has drained below {@link #LOW_WATER}. At the end the lane
 * checks the size and the client's digest (422), commits the photo and answers 201 (200 when the room
 * already had these exact bytes). A dropped connection discards the temporary file: no row, no file.
 */
final class UploadBody implements StreamingHandler.Body {
    private static final Logger log = LoggerFactory.getLogger(UploadBody.class);
    static final int HIGH_WATER = 4 << 20;
    static final int LOW_WATER = 1 << 20;
    /** Parts are gathered up to this many bytes per disk write (fewer tasks and system calls). */
    static final int BATCH_BYTES = 256 << 10;

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final MediaStore store;
    private final UploadCompletion completion;
    private final String room;
    private final ImageType declared;
    private final String expectedSha256;
    private final long maxBytes;
    private final SerialLane lane;
    private final String what;
    private final String limitKey;

    // Event-loop state.
    private final byte[] sniff = new byte[ImageType.SNIFF_BYTES];
    private int sniffed;
    private boolean typeChecked;
    private long received;
    private Draining rejected;
    private boolean ended;
    private CompositeByteBuf batch;

    // Shared between the loop and the lane.
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean paused;
    private volatile boolean cancelled;

    // Lane state (touched only by lane tasks, which run one at a time).
    private Upload upload;
    private boolean failed;

    /** What happens once a photo is stored: answer the client and tell the room. */
    interface UploadCompletion {
        void stored(ChannelHandlerContext ctx, HttpRequest request, MediaStore.Stored stored);
    }

    UploadBody(ChannelHandlerContext ctx, HttpRequest request, MediaStore store, SerialLane lane,
               UploadCompletion completion, String room, ImageType declared, String expectedSha256, long maxBytes) {
        this(ctx, request, store, lane, completion, room, declared, expectedSha256, maxBytes, "photo", "");
    }

    UploadBody(ChannelHandlerContext ctx, HttpRequest request, MediaStore store, SerialLane lane,
               UploadCompletion completion, String room, ImageType declared, String expectedSha256, long maxBytes,
               String what, String limitKey) {
        this.ctx = ctx;
        this.request = request;
        this.store = store;
        this.lane = lane;
        this.completion = completion;
        this.room = room;
        this.declared = declared;
        this.expectedSha256 = expectedSha256;
        this.maxBytes = maxBytes;
        this.what = what;
        this.limitKey = limitKey;
        this.typeChecked = declared == ImageType.FILE; // any bytes at all: nothing to sniff
    }

    /** Opens the temporary file on the lane; throws RejectedExecutionException when storage is saturated. */
    void open() {
        lane.start(() -> {
            try {
                if (!cancelled) {
                    upload = store.begin();
                }
            } catch (IOException | RuntimeException e) {
                fail("cannot create the upload file", e);
            }
        });
    }

    @Override
    public void content(ByteBuf part) {
        int n = part.readableBytes();
        if (rejected != null) {
            rejected.content(part);
            return;
        }
        received += n;
        if (received > maxBytes) {
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                    "the " + what + " is larger than " + maxBytes + " bytes" + limitKey);
            return;
        }
        if (!typeChecked) {
            int take = Math.min(n, sniff.length - sniffed);
            part.getBytes(part.readerIndex(), sniff, sniffed, take);
            sniffed += take;
            if (sniffed == sniff.length && !checkType()) {
                return;
            }
        }
        pending.addAndGet(n);
        if (batch == null) {
            batch = ctx.alloc().compositeBuffer(64);
        }
        batch.addComponent(true, part.retain());
        if (batch.readableBytes() >= BATCH_BYTES) {
            flushBatch();
        }
        if (!paused && pending.get() > HIGH_WATER) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            if (pending.get() <= LOW_WATER) {
                resume(); // the lane drained meanwhile and may have missed the pause
            }
        }
    }

    /** Checks the signature of the first bytes; rejects with 415 and returns false on a mismatch. */
    private boolean checkType() {
        typeChecked = true;
        ImageType actual = ImageType.detect(sniff, sniffed);
        if (actual == declared) {
            return true;
        }
        reject(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_type", actual == null
                ? "the body is not a " + declared.mime() + " image"
                : "the body is " + actual.mime() + " but Content-Type says " + declared.mime());
        return false;
    }

    @Override
    public void end() {
        ended = true;
        if (rejected != null) {
            rejected.end();
            return;
        }
        if (received == 0) {
            cancel();
            Replies.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "empty_body", "the request has no " + what);
            return;
        }
        if (!typeChecked && !checkType()) {
            rejected.end();
            return;
        }
        flushBatch();
        lane.submit(this::finish);
    }

    private void flushBatch() {
        if (batch != null) {
            lane.submit(new Chunk(batch));
            batch = null;
        }
    }

    private void releaseBatch() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
    }

    @Override
    public void abort(Throwable cause) {
        cancel();
        if (rejected != null) {
            rejected.abort(cause);
        }
    }

    // ---- lane side ----

    /** One received part on its way to the file; released exactly once (written, dropped or closed). */
    private final class Chunk implements Runnable, AutoCloseable {
        private final ByteBuf buf;

        Chunk(ByteBuf buf) {
            this.buf = buf;
        }

        @Override
        public void run() {
            int n = buf.readableBytes();
            try {
                if (!cancelled && !failed && upload != null) {
                    upload.write(buf.nioBuffers());
                }
            } catch (IOException | RuntimeException e) {
                fail("cannot write the upload", e);
            } finally {
                buf.release();
                drained(n);
            }
        }

        @Override
        public void close() {
            buf.release();
        }
    }

    private void drained(int n) {
        if (pending.addAndGet(-n) <= LOW_WATER && paused) {
            ctx.channel().eventLoop().execute(() -> {
                if (pending.get() <= LOW_WATER) {
                    resume();
                }
            });
        }
    }

    private void resume() {
        if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void finish() {
        if (cancelled || failed || upload == null) {
            discardUpload();
            return;
        }
        Upload.Written written;
        try {
            written = upload.finish();
        } catch (IOException | RuntimeException e) {
            fail("cannot flush the upload", e);
            return;
        }
        if (expectedSha256 != null && !expectedSha256.equals(written.sha256())) {
            upload.discard();
            Replies.error(ctx, request, HttpResponseStatus.UNPROCESSABLE_ENTITY, "hash_mismatch",
                    "the body's SHA-256 is " + written.sha256() + ", X-Content-SHA256 says " + expectedSha256);
            return;
        }
        MediaStore.Stored stored;
        try {
            stored = store.commit(written, room, declared);
        } catch (IOException | RuntimeException e) {
            upload.discard();
            if (StorageFailure.isStorage(e)) {
                HttpResponses.send(ctx, request, Replies.storageFailure(store.health(), e));
            } else {
                LogLimiter.of(log).warn("commit-" + what, "cannot store a {} for room {}", what, room, e);
                Replies.error(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "cannot store the " + what);
            }
            return;
        }
        completion.stored(ctx, request, stored);
    }

    private void fail(String what, Exception e) {
        failed = true;
        discardUpload();
        if (StorageFailure.isStorage(e)) { // 507/503, logged once a minute by the store's health
            io.netty.handler.codec.http.FullHttpResponse res = Replies.storageFailure(store.health(), e);
            ctx.channel().eventLoop().execute(() -> answerFailure(res));
            return;
        }
        LogLimiter.of(log).warn(what, "{} (room {})", what, room, e);
        HttpResponses.send(ctx, request, Replies.errorResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "internal", what)); // 5xx: the connection closes after the answer
    }

    private void discardUpload() {
        if (upload != null) {
            upload.discard();
            upload = null;
        }
    }

    // ---- loop side: cancellation and early errors ----

    /** The answer to a failed write; the rest of a body still arriving is drained first (see {@link Draining}). */
    private void answerFailure(io.netty.handler.codec.http.FullHttpResponse res) {
        if (rejected != null) {
            res.release();
            return;
        }
        if (ended) {
            HttpResponses.send(ctx, request, res);
            return;
        }
        cancel();
        rejected = Draining.answer(ctx, res);
    }

    private void cancel() {
        releaseBatch();
        if (!cancelled) {
            cancelled = true;
            lane.submit(this::discardUpload);
        }
        resume();
    }

    private void reject(HttpResponseStatus status, String code, String message) {
        cancel();
        rejected = Draining.answer(ctx, Replies.errorResponse(status, code, message));
    }
}
