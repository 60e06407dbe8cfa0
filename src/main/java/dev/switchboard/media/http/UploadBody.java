package dev.switchboard.media.http;

import dev.switchboard.media.MediaType;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.media.Upload;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.StreamingHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one {@code POST /api/rooms/{room}/photos} (or {@code /files}, which skips the signature
 * check and needs the digest). On the event loop it counts the bytes against the limit (413) and checks
 * the first bytes' signature against the declared type (415); its {@link LaneWriter} carries the bytes
 * to the temporary file (hashed as written) with back-pressure. At the end the lane checks the size and
 * the client's digest (422), commits the photo and answers 201 (200 when the room already had these
 * exact bytes). A dropped connection discards the temporary file: no row, no file.
 *
 * <p>Threads: the {@link StreamingHandler.Body} methods and the signature check run on the event loop;
 * {@link #open}'s task, the writes, {@link #finish} and the upload file belong to the lane (see
 * {@link LaneWriter}).
 */
final class UploadBody implements StreamingHandler.Body, LaneWriter.Target {
    private static final Logger log = LoggerFactory.getLogger(UploadBody.class);

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final MediaStore store;
    private final UploadCompletion completion;
    private final String room;
    private final MediaType declared;
    private final String expectedSha256;
    private final long maxBytes;
    private final LaneWriter writer;
    private final String what;
    private final String limitKey;

    // Event-loop state.
    private final byte[] sniff = new byte[MediaType.SNIFF_BYTES];
    private int sniffed;
    private boolean typeChecked;
    private long received;

    // Lane state.
    private Upload upload;

    /** What happens once a photo is stored: answer the client and tell the room. */
    interface UploadCompletion {
        void stored(ChannelHandlerContext ctx, HttpRequest request, MediaStore.Stored stored);
    }

    UploadBody(ChannelHandlerContext ctx, HttpRequest request, MediaStore store, SerialLane lane,
               UploadCompletion completion, String room, MediaType declared, String expectedSha256, long maxBytes) {
        this(ctx, request, store, lane, completion, room, declared, expectedSha256, maxBytes, "photo", "");
    }

    UploadBody(ChannelHandlerContext ctx, HttpRequest request, MediaStore store, SerialLane lane,
               UploadCompletion completion, String room, MediaType declared, String expectedSha256, long maxBytes,
               String what, String limitKey) {
        this.ctx = ctx;
        this.request = request;
        this.store = store;
        this.writer = new LaneWriter(ctx, request, lane, this);
        this.completion = completion;
        this.room = room;
        this.declared = declared;
        this.expectedSha256 = expectedSha256;
        this.maxBytes = maxBytes;
        this.what = what;
        this.limitKey = limitKey;
        this.typeChecked = declared == MediaType.FILE; // any bytes at all: nothing to sniff
    }

    /** Opens the temporary file on the lane; throws RejectedExecutionException when storage is saturated. */
    void open() {
        writer.open(() -> {
            try {
                if (!writer.stopped()) {
                    upload = store.begin();
                }
            } catch (IOException | RuntimeException e) {
                fail("cannot create the upload file", e);
            }
        });
    }

    @Override
    public void content(ByteBuf part) {
        if (writer.draining(part)) {
            return;
        }
        int n = part.readableBytes();
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
        writer.add(part);
    }

    /** Checks the signature of the first bytes; rejects with 415 and returns false on a mismatch. */
    private boolean checkType() {
        typeChecked = true;
        MediaType actual = MediaType.detect(sniff, sniffed);
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
        if (writer.end()) {
            return;
        }
        if (received == 0) {
            writer.cancel();
            Replies.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "empty_body", "the request has no " + what);
            return;
        }
        if (!typeChecked && !checkType()) {
            return;
        }
        writer.submit(this::finish);
    }

    @Override
    public void abort(Throwable cause) {
        writer.abort(cause);
    }

    private void reject(HttpResponseStatus status, String code, String message) {
        writer.reject(Replies.errorResponse(status, code, message));
    }

    // ---- lane side ----

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        if (upload != null) {
            upload.write(buffers);
        }
    }

    @Override
    public void writeFailed(Exception e) {
        fail("cannot write the upload", e);
    }

    @Override
    public void cancelled() {
        discardUpload();
    }

    private void finish() {
        if (writer.stopped() || upload == null) {
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
                log.warn("cannot store a {} for room {}", what, room, e);
                Replies.error(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "cannot store the " + what);
            }
            return;
        }
        completion.stored(ctx, request, stored);
    }

    /** A failed write: 507/503 for storage (logged once a minute by the store's health), else a logged 500. */
    private void fail(String what, Exception e) {
        discardUpload();
        if (StorageFailure.isStorage(e)) {
            writer.fail(Replies.storageFailure(store.health(), e));
            return;
        }
        log.warn("{} (room {})", what, room, e);
        writer.failNow(Replies.errorResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", what));
    }

    private void discardUpload() {
        if (upload != null) {
            upload.discard();
            upload = null;
        }
    }
}
