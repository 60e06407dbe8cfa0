package dev.switchboard.media.http;

import dev.switchboard.log.LogLimiter;
import dev.switchboard.media.ResumableUpload;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.StorageFailure;
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
 * The body of one {@code PUT|PATCH /api/recordings/{id}} (or {@code /api/file-uploads/{id}}): a part
 * of a {@link ResumableUpload} appended at its offset, which the caller has claimed. Its
 * {@link LaneWriter} carries the bytes to the upload's file with back-pressure. Past the upload's
 * limit the rest is refused with 413. Whatever reached the
 * file stays when the part is cut off; before the session is released (in every case) the bytes are
 * fsynced and the offset recorded, so an acknowledged offset survives a restart.
 *
 * <p>Threads: the {@link StreamingHandler.Body} methods run on the event loop; the writes, the
 * checkpoints and the release of the session on the lane (see {@link LaneWriter}).
 */
final class UploadPart implements StreamingHandler.Body, LaneWriter.Target {
    private static final Logger log = LoggerFactory.getLogger(UploadPart.class);

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final ResumableUpload session;
    private final ResumableUploads sessions;
    private final LaneWriter writer;
    private final long start;

    // Event-loop state.
    private long received;

    UploadPart(ChannelHandlerContext ctx, HttpRequest request, ResumableUpload session,
                  ResumableUploads sessions, SerialLane lane, long start) {
        this.ctx = ctx;
        this.session = session;
        this.sessions = sessions;
        this.writer = new LaneWriter(ctx, request, lane, this);
        this.start = start;
        this.request = request;
    }

    @Override
    public void content(ByteBuf part) {
        if (writer.draining(part)) {
            return;
        }
        received += part.readableBytes();
        if (start + received > session.limit(sessions.maxBytes())) {
            writer.reject(UploadReplies.offsetError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too_large", UploadReplies.limitMessage(session, sessions.maxBytes()), -1));
            return;
        }
        writer.add(part);
    }

    @Override
    public void end() {
        if (writer.end()) {
            return;
        }
        writer.submit(() -> {
            checkpoint();
            session.release(sessions.now());
            if (!writer.failed()) {
                HttpResponses.send(ctx, request, UploadReplies.status(HttpResponseStatus.OK, session));
            }
        });
    }

    @Override
    public void abort(Throwable cause) {
        writer.abort(cause);
    }

    // ---- lane side ----

    /**
     * The lane's first task: in a shared media folder, locks the part file for this part and checks that
     * no other node moved the session on; if one did (or holds it now), nothing is written and the part
     * is answered 409 {@code busy} (404 when finished elsewhere), so the client asks for the offset.
     */
    void enter() {
        ResumableUploads.Entry e;
        try {
            e = sessions.enter(session);
        } catch (IOException | RuntimeException x) {
            // e.g. a shared folder without locks (ENOLCK): nothing written, the session kept
            log.warn("cannot lock upload {}: {}", session.id().value(), x.toString());
            writer.fail(Replies.storageFailure(sessions.health(), x));
            return;
        }
        if (e == ResumableUploads.Entry.CURRENT) {
            return;
        }
        writer.fail(e == ResumableUploads.Entry.GONE
                ? Replies.errorResponse(HttpResponseStatus.NOT_FOUND, "no_upload",
                        "the upload was finished or cancelled on another server")
                : UploadReplies.offsetError(HttpResponseStatus.CONFLICT, "busy", e == ResumableUploads.Entry.BUSY
                        ? "another part is being uploaded; ask for the offset and retry"
                        : "another server took this upload on; ask for the offset and retry", -1));
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        session.write(buffers);
    }

    @Override
    public void writeFailed(Exception e) {
        failed(e, "cannot write recording {}");
    }

    /** Cut off or refused: what reached the file counts (after a restart too); the session is released. */
    @Override
    public void cancelled() {
        checkpoint();
        session.release(sessions.now());
    }

    /** Makes the bytes written so far and the offset durable before the part is answered (lane). */
    private void checkpoint() {
        if (writer.failed()) {
            return;
        }
        try {
            sessions.checkpoint(session);
        } catch (IOException | RuntimeException e) {
            failed(e, "cannot keep recording {} on disk");
        }
    }

    /**
     * A failed write or checkpoint (lane): a storage failure rewinds the session to the offset last
     * acknowledged (the client resumes from there) and answers 507/503 (draining the rest of the body
     * first while the client is still sending; the session is then released by {@link #cancelled});
     * anything else, or a failed rewind, abandons the session and answers 500.
     */
    private void failed(Exception e, String message) {
        if (StorageFailure.isStorage(e) && sessions.rewind(session)) {
            writer.fail(Replies.storageFailure(sessions.health(), e));
            return;
        }
        sessions.abandon(session); // the file and its digest may disagree now
        LogLimiter.of(log).warn(message, message, session.id().value(), e);
        writer.failNow(Replies.errorResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "internal", "cannot write the recording"));
    }
}
