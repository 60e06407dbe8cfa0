package dev.switchboard.media.http;

import dev.switchboard.web.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries one streamed request body (a photo or file upload, a recording part, a share) from the event
 * loop to the storage executor, with back-pressure, and answers early when the body is refused or the
 * disk fails. The bodies keep only their own rules (limits, signatures, parsing, what a write means);
 * this class is the machine they share:
 * <ul>
 *   <li>parts are retained and gathered into batches of up to {@link #BATCH_BYTES} bytes, each one
 *       {@link Target#write} on the request's {@link SerialLane};</li>
 *   <li>a task {@link #submit submitted} after some bytes runs after those bytes are written;</li>
 *   <li>past {@link #HIGH_WATER} bytes waiting for the disk the connection stops reading (autoRead off)
 *       until the lane has drained to {@link #LOW_WATER};</li>
 *   <li>{@link #cancel} drops the batch not yet handed over, skips the writes still queued and runs
 *       {@link Target#cancelled} once on the lane;</li>
 *   <li>the first failure answers, later ones are released; an early answer while the client is still
 *       sending drains the rest of the body first ({@link Draining}), as closing would lose it.</li>
 * </ul>
 *
 * <p>Threads. The event loop of the request's channel calls {@link #add}, {@link #submit},
 * {@link #cancel}, {@link #reject}, {@link #draining}, {@link #end}, {@link #abort} and
 * {@link #answeredEarly}, and owns the batch, the pause and the drain. The lane (one task at a time,
 * in submission order, on the storage executor) runs {@link Target}'s methods and submitted tasks, and
 * calls {@link #fail}, {@link #failNow}, {@link #failed} and {@link #stopped}; it owns the failure.
 * Shared between them: the count of bytes waiting ({@code pending}), the pause and cancellation flags. The lane
 * hands anything that touches the channel's state back to the loop.
 */
final class LaneWriter {
    /** Bytes waiting for the disk above which the connection stops reading. */
    static final int HIGH_WATER = 4 << 20;
    /** Bytes waiting for the disk at or below which a paused connection reads again. */
    static final int LOW_WATER = 1 << 20;
    /** Parts are gathered up to this many bytes per disk write (fewer tasks and system calls). */
    static final int BATCH_BYTES = 256 << 10;

    /** What a body does with its bytes, on the lane. */
    interface Target {
        /** Writes one batch; not called once the writer is {@link #stopped}. */
        void write(ByteBuffer[] buffers) throws Exception;

        /** A write threw: clean up and answer through {@link #fail} or {@link #failNow}. */
        void writeFailed(Exception e);

        /** The body was cancelled (refused, cut off, or failed while still arriving); called once. */
        void cancelled();
    }

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final SerialLane lane;
    private final Target target;

    // Event-loop state.
    private CompositeByteBuf batch;
    private boolean ended;
    private Draining rejected;

    // Shared between the loop and the lane.
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean paused; // written on the loop only
    private volatile boolean cancelled; // written on the loop only

    // Lane state.
    private boolean failed;

    LaneWriter(ChannelHandlerContext ctx, HttpRequest request, SerialLane lane, Target target) {
        this.ctx = ctx;
        this.request = request;
        this.lane = lane;
        this.target = target;
    }

    /** Queues the lane's first task; throws RejectedExecutionException when storage is saturated. */
    void open(Runnable first) {
        lane.start(first);
    }

    // ---- event loop ----

    /** Takes a reference to {@code part} for the lane to write; may pause reading. */
    void add(ByteBuf part) {
        int n = part.readableBytes();
        pending.addAndGet(n);
        if (batch == null) {
            batch = ctx.alloc().compositeBuffer(64);
        }
        batch.addComponent(true, part.retain());
        if (batch.readableBytes() >= BATCH_BYTES) {
            flush();
        }
        if (!paused && pending.get() > HIGH_WATER) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            if (pending.get() <= LOW_WATER) {
                resume(); // the lane drained meanwhile and may have missed the pause
            }
        }
    }

    /** Runs {@code task} on the lane after every byte added so far has been written. */
    void submit(Runnable task) {
        flush();
        lane.submit(task);
    }

    private void flush() {
        if (batch != null) {
            lane.submit(new Chunk(batch));
            batch = null;
        }
    }

    /** Drops what was not written, skips what is queued, runs {@link Target#cancelled} once; reads again. */
    void cancel() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (!cancelled) {
            cancelled = true;
            lane.submit(target::cancelled);
        }
        resume();
    }

    /** Answers {@code res} now and drains the rest of the body; cancels. Released if already answered. */
    void reject(FullHttpResponse res) {
        if (rejected != null) {
            res.release();
            return;
        }
        cancel();
        rejected = Draining.answer(ctx, res);
        if (ended) {
            rejected.end();
        }
    }

    /** Whether the body was answered early; what arrives since goes to the drain. */
    boolean answeredEarly() {
        return rejected != null;
    }

    /** For the body's {@code content}: true when it was answered early and {@code part} went to the drain. */
    boolean draining(ByteBuf part) {
        if (rejected == null) {
            return false;
        }
        rejected.content(part);
        return true;
    }

    /** For the body's {@code end}: marks the body ended; true when it was answered early (drain ended). */
    boolean end() {
        ended = true;
        if (rejected == null) {
            return false;
        }
        rejected.end();
        return true;
    }

    /** For the body's {@code abort}: the connection is gone; cancels and stops the drain's timer. */
    void abort(Throwable cause) {
        cancel();
        if (rejected != null) {
            rejected.abort(cause);
        }
    }

    private void resume() {
        if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** On the loop: the answer to a failure on the lane. */
    private void answerFailure(FullHttpResponse res) {
        if (rejected != null) {
            res.release();
        } else if (ended) {
            HttpResponses.send(ctx, request, res);
        } else {
            reject(res);
        }
    }

    // ---- lane ----

    /** Whether a failure has been answered. */
    boolean failed() {
        return failed;
    }

    /** Whether the body is cancelled or failed: nothing more should reach the disk. */
    boolean stopped() {
        return cancelled || failed;
    }

    /** The first failure: answers {@code res} from the loop (after draining the rest if still arriving). */
    void fail(FullHttpResponse res) {
        if (failed) {
            res.release();
            return;
        }
        failed = true;
        ctx.channel().eventLoop().execute(() -> answerFailure(res));
    }

    /** The first failure, answered at once with a status that closes the connection (a 500). */
    void failNow(FullHttpResponse res) {
        if (failed) {
            res.release();
            return;
        }
        failed = true;
        HttpResponses.send(ctx, request, res);
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

    /** One batch on its way to the disk; released exactly once (written, skipped or closed at stop). */
    private final class Chunk implements Runnable, AutoCloseable {
        private final ByteBuf buf;

        Chunk(ByteBuf buf) {
            this.buf = buf;
        }

        @Override
        public void run() {
            int n = buf.readableBytes();
            try {
                if (!stopped()) {
                    target.write(buf.nioBuffers());
                }
            } catch (Exception e) {
                target.writeFailed(e);
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
}
