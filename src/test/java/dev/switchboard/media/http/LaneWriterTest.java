package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lane writer on an EmbeddedChannel, with a storage executor run by hand: batching, order,
 * back-pressure, cancellation and early answers, and every buffer released (leak detection is paranoid).
 */
class LaneWriterTest {
    final EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    final ChannelHandlerContext ctx = ch.pipeline().firstContext();
    final Queue<Runnable> storage = new ArrayDeque<>();
    final SerialLane lane = new SerialLane(storage::add, ch.eventLoop());
    final DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/x");
    final List<ByteBuf> fed = new ArrayList<>();
    final Disk disk = new Disk();
    final LaneWriter writer = new LaneWriter(ctx, request, lane, disk);

    /** What the lane did, in order: "write N" for each batch, "task", "cancelled", "failed". */
    final class Disk implements LaneWriter.Target {
        final List<String> log = new ArrayList<>();
        IOException failure;
        FullHttpResponse answer;

        @Override
        public void write(ByteBuffer[] buffers) throws IOException {
            if (failure != null) {
                throw failure;
            }
            long n = 0;
            for (ByteBuffer b : buffers) {
                n += b.remaining();
            }
            log.add("write " + n);
        }

        @Override
        public void writeFailed(Exception e) {
            log.add("failed");
            writer.fail(answer);
        }

        @Override
        public void cancelled() {
            log.add("cancelled");
        }
    }

    @AfterEach
    void everyBufferReleased() {
        for (ByteBuf b : fed) {
            assertThat(b.refCnt()).as("part released").isZero();
        }
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        ch.finishAndReleaseAll();
    }

    /** Adds a part of {@code n} bytes the way a body does: the writer takes its own reference. */
    void add(int n) {
        ByteBuf part = ch.alloc().buffer(n).writeZero(n);
        fed.add(part);
        writer.add(part);
        part.release();
    }

    /** Runs the storage executor and the event loop until neither has anything left to do. */
    void runStorage() {
        do {
            Runnable r;
            while ((r = storage.poll()) != null) {
                r.run();
            }
            ch.runPendingTasks();
        } while (!storage.isEmpty());
    }

    static FullHttpResponse insufficientStorage() {
        return Replies.errorResponse(HttpResponseStatus.INSUFFICIENT_STORAGE, "storage_full", "disk full");
    }

    @Test
    void partsAreGatheredIntoOneWritePerBatchBytesAndATaskRunsAfterTheBytesAddedBeforeIt() {
        int part = 100 << 10;
        for (int i = 0; i < 5; i++) {
            add(part);
        }
        writer.submit(() -> disk.log.add("task"));
        runStorage();
        assertThat(disk.log).containsExactly("write " + 3 * part, "write " + 2 * part, "task");
    }

    @Test
    void readingStopsOverTheHighWaterMarkAndResumesOnceTheLaneDrainsToTheLowOne() {
        int part = 64 << 10;
        int n = 0;
        while ((long) n * part <= LaneWriter.HIGH_WATER) {
            assertThat(ch.config().isAutoRead()).as("reading before the high-water mark").isTrue();
            add(part);
            n++;
        }
        assertThat(ch.config().isAutoRead()).as("paused past the high-water mark").isFalse();
        runStorage();
        assertThat(ch.config().isAutoRead()).as("resumed once drained").isTrue();
        writer.submit(() -> { });
        runStorage();
        long written = disk.log.stream().mapToLong(s -> Long.parseLong(s.substring("write ".length()))).sum();
        assertThat(written).isEqualTo((long) n * part);
    }

    @Test
    void cancellingDropsTheUnwrittenBatchSkipsQueuedWritesResumesReadingAndRunsCancelledOnce() {
        for (int i = 0; i < 20; i++) {
            add(256 << 10); // past the high-water mark: paused, every batch queued and none written
        }
        add(10);
        assertThat(ch.config().isAutoRead()).isFalse();
        writer.cancel();
        writer.cancel();
        assertThat(ch.config().isAutoRead()).as("reading again after a cancel").isTrue();
        runStorage();
        assertThat(disk.log).containsExactly("cancelled");
        assertThat(writer.stopped()).isTrue();
    }

    @Test
    void aFailureWhileTheBodyIsStillArrivingIsAnsweredAndTheRestDrainedBeforeClosing() {
        disk.failure = new IOException("disk full");
        disk.answer = insufficientStorage();
        add(300 << 10);
        runStorage();
        FullHttpResponse res = ch.readOutbound();
        assertThat(res.status()).isEqualTo(HttpResponseStatus.INSUFFICIENT_STORAGE);
        assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        res.release();
        assertThat(disk.log).containsExactly("failed", "cancelled");
        assertThat(ch.isOpen()).as("open while the client is still sending").isTrue();
        ByteBuf rest = ch.alloc().buffer(10).writeZero(10);
        fed.add(rest);
        assertThat(writer.draining(rest)).isTrue();
        rest.release();
        assertThat(writer.end()).as("answered early: the body has nothing left to do").isTrue();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).as("closed once the body has ended").isFalse();
    }

    @Test
    void aFailureAfterTheBodyEndedIsAnsweredAtOnceAndCloses() {
        add(10);
        assertThat(writer.end()).isFalse();
        disk.failure = new IOException("disk full");
        disk.answer = insufficientStorage();
        writer.submit(() -> { });
        runStorage();
        FullHttpResponse res = ch.readOutbound();
        assertThat(res.status()).isEqualTo(HttpResponseStatus.INSUFFICIENT_STORAGE);
        res.release();
        assertThat(disk.log).containsExactly("failed");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void onlyTheFirstFailureAnswersLaterOnesAreReleased() {
        FullHttpResponse first = insufficientStorage();
        FullHttpResponse second = Replies.errorResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "x");
        writer.submit(() -> {
            writer.fail(first);
            writer.failNow(second);
        });
        runStorage();
        assertThat(second.refCnt()).as("the second answer released").isZero();
        FullHttpResponse res = ch.readOutbound();
        assertThat(res).isSameAs(first);
        res.release();
        Object none = ch.readOutbound();
        assertThat(none).isNull();
        assertThat(writer.failed()).isTrue();
    }

    @Test
    void aRefusalAfterTheEndClosesOnceAnsweredAndASecondRefusalIsReleased() {
        add(10);
        writer.end();
        writer.reject(Replies.errorResponse(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_type", "x"));
        FullHttpResponse again = Replies.errorResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", "x");
        writer.reject(again);
        assertThat(again.refCnt()).isZero();
        assertThat(writer.answeredEarly()).isTrue();
        FullHttpResponse res = ch.readOutbound();
        assertThat(res.status()).isEqualTo(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE);
        res.release();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        runStorage();
        assertThat(disk.log).containsExactly("cancelled");
    }

    @Test
    void anAbortedBodyIsCancelledAndNothingQueuedReachesTheDisk() {
        add(300 << 10);
        add(10);
        writer.abort(new IOException("reset"));
        runStorage();
        assertThat(disk.log).containsExactly("cancelled");
    }
}
