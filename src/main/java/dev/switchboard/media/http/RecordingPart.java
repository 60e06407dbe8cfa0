package dev.switchboard.media.http;

import dev.switchboard.log.LogLimiter;
import dev.switchboard.media.RecordingSession;
import dev.switchboard.media.RecordingSessions;
import dev.switchboard.media.StorageFailure;
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
 * The body of one {@code PUT|PATCH /api/recordings/{id}}: a part appended at the session's offset,
 * which the caller has claimed. Parts are gathered into batches and written by the request's
 * {@link SerialLane}; the connection stops reading while too much waits for the disk (as for photos,
 * see {@link UploadBody}). Past the recording limit the rest is refused with 413. Whatever reached the
 * file stays when the part is cut off; before the session is released (in every case) the bytes are
 * fsynced and the offset recorded, so an acknowledged offset survives a restart.
 */
final class RecordingPart implements StreamingHandler.Body {
    private static final Logger log = LoggerFactory.getLogger(RecordingPart.class);

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final RecordingSession session;
    private final RecordingSessions sessions;
    private final SerialLane lane;
    private final long start;

    // Event-loop state.
    private long received;
    private Draining rejected;
    private boolean ended;
    private CompositeByteBuf batch;

    private final AtomicLong pending = new AtomicLong();
    private volatile boolean paused;
    private volatile boolean stopped;

    // Lane state.
    private boolean failed;

    RecordingPart(ChannelHandlerContext ctx, HttpRequest request, RecordingSession session,
                  RecordingSessions sessions, SerialLane lane, long start) {
        this.ctx = ctx;
        this.request = request;
        this.session = session;
        this.sessions = sessions;
        this.lane = lane;
        this.start = start;
    }

    @Override
    public void content(ByteBuf part) {
        if (rejected != null) {
            rejected.content(part);
            return;
        }
        int n = part.readableBytes();
        received += n;
        if (start + received > session.limit(sessions.maxBytes())) {
            stop();
            rejected = Draining.answer(ctx, RecordingApi.offsetError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too_large", RecordingApi.limitMessage(session, sessions.maxBytes()), -1));
            return;
        }
        pending.addAndGet(n);
        if (batch == null) {
            batch = ctx.alloc().compositeBuffer(64);
        }
        batch.addComponent(true, part.retain());
        if (batch.readableBytes() >= UploadBody.BATCH_BYTES) {
            flushBatch();
        }
        if (!paused && pending.get() > UploadBody.HIGH_WATER) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            if (pending.get() <= UploadBody.LOW_WATER) {
                resume();
            }
        }
    }

    @Override
    public void end() {
        ended = true;
        if (rejected != null) {
            rejected.end();
            return;
        }
        flushBatch();
        lane.submit(() -> {
            checkpoint();
            session.release(sessions.now());
            if (!failed) {
                HttpResponses.send(ctx, request, RecordingApi.status(HttpResponseStatus.OK, session));
            }
        });
    }

    @Override
    public void abort(Throwable cause) {
        stop();
        if (rejected != null) {
            rejected.abort(cause);
        }
    }

    /** Drops what was not written yet and releases the session once the lane is done with it. */
    private void stop() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (!stopped) {
            stopped = true;
            lane.submit(() -> {
                checkpoint(); // what reached the file counts, after a restart too
                session.release(sessions.now());
            });
        }
        resume();
    }

    /** Makes the bytes written so far and the offset durable before the part is answered (lane). */
    private void checkpoint() {
        if (failed) {
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
     * acknowledged (the client resumes from there) and answers 507/503; anything else, or a failed
     * rewind, abandons the session and answers 500.
     */
    private void failed(Exception e, String message) {
        failed = true;
        if (StorageFailure.isStorage(e) && sessions.rewind(session)) {
            io.netty.handler.codec.http.FullHttpResponse res = Replies.storageFailure(sessions.health(), e);
            ctx.channel().eventLoop().execute(() -> answerFailure(res));
            return;
        }
        sessions.abandon(session); // the file and its digest may disagree now
        LogLimiter.of(log).warn(message, message, session.id().value(), e);
        HttpResponses.send(ctx, request, Replies.errorResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "internal", "cannot write the recording"));
    }

    /**
     * On the loop: the answer to a failed part; while the client is still sending, the rest of its body
     * is drained first (closing on it would lose the answer in the reset). The session, back at its
     * acknowledged offset, is released by {@link #stop} once the lane is done.
     */
    private void answerFailure(io.netty.handler.codec.http.FullHttpResponse res) {
        if (rejected != null) {
            res.release();
            return;
        }
        if (ended) {
            HttpResponses.send(ctx, request, res);
            return;
        }
        stop();
        rejected = Draining.answer(ctx, res);
    }

    private void flushBatch() {
        if (batch != null) {
            lane.submit(new Chunk(batch));
            batch = null;
        }
    }

    private final class Chunk implements Runnable, AutoCloseable {
        private final ByteBuf buf;

        Chunk(ByteBuf buf) {
            this.buf = buf;
        }

        @Override
        public void run() {
            int n = buf.readableBytes();
            try {
                if (!stopped && !failed) {
                    session.write(buf.nioBuffers());
                }
            } catch (IOException | RuntimeException e) {
                failed(e, "cannot write recording {}");
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
        if (pending.addAndGet(-n) <= UploadBody.LOW_WATER && paused) {
            ctx.channel().eventLoop().execute(() -> {
                if (pending.get() <= UploadBody.LOW_WATER) {
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
}
