package dev.switchboard.media.http;

import dev.switchboard.log.LogLimiter;
import dev.switchboard.web.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response whose body is a byte range of a file, sent in parts: the head first, then the range in
 * chunks of {@link #CHUNK} bytes, each read on the storage executor (the event loop never touches the
 * disk). A response holds at most {@link #WINDOW} chunks: the one being written to the socket and the
 * one read ahead; the next read waits until a write completes, so a client that reads slowly holds the
 * server back instead of making it buffer the file. The file is closed after the last chunk, on a read
 * error and when the connection closes first. Offsets and lengths are longs throughout: a file past
 * 2 GiB is served like any other.
 * <p>State is kept on the connection's event loop; the storage side only reads (positional reads, one
 * at a time through a {@link SerialLane}) and hands each chunk back to the loop.
 */
final class FileResponse {
    private static final Logger log = LoggerFactory.getLogger(FileResponse.class);
    static final int CHUNK = 256 * 1024;
    static final int WINDOW = 2;

    private final ChannelHandlerContext ctx;
    private final EventLoop loop;
    private final SerialLane lane;
    private final FileChannel file;
    private final boolean keepAlive;
    private final GenericFutureListener<Future<? super Void>> onClose = f -> stop();
    private long next; // the next byte to ask the disk for
    private long unread; // bytes not yet asked for
    private int held; // chunks asked for whose write has not completed
    private boolean reading; // a read is queued or running
    private volatile boolean ended; // the last part is written, or the response was cut off (read by the storage side)
    private boolean closed; // the file's close is queued

    private FileResponse(Executor executor, ChannelHandlerContext ctx, FileChannel file, long first, long length,
                         boolean keepAlive) {
        this.ctx = ctx;
        this.loop = ctx.channel().eventLoop();
        this.lane = new SerialLane(executor, loop);
        this.file = file;
        this.next = first;
        this.unread = length;
        this.keepAlive = keepAlive;
    }

    /**
     * A response head for {@code length} bytes of {@code type}: Content-Length, nosniff and a sandboxing
     * Content-Security-Policy (stored bytes are never run as a page of this origin).
     */
    static HttpResponse head(HttpResponseStatus status, String type, long length) {
        HttpResponse res = HttpResponses.head(status, type, length);
        res.headers().set("Content-Security-Policy", "default-src 'none'; sandbox");
        return res;
    }

    /**
     * Sends {@code head}, then {@code length} bytes of {@code file} from {@code first} (none for HEAD).
     * Takes the file over: it is closed when the response ends, however it ends. Call on the storage
     * executor (the caller opened the file there); returns at once.
     */
    static void send(Executor executor, ChannelHandlerContext ctx, HttpRequest req, HttpResponse head,
                     FileChannel file, long first, long length) {
        boolean keepAlive = HttpResponses.connection(req, head);
        if (req.method().equals(HttpMethod.HEAD) || length == 0) {
            closeQuietly(file);
            ctx.write(head);
            ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        FileResponse r = new FileResponse(executor, ctx, file, first, length, keepAlive);
        ctx.writeAndFlush(head);
        try {
            r.loop.execute(r::begin);
        } catch (RejectedExecutionException stopping) {
            closeQuietly(file);
        }
    }

    private void begin() {
        ctx.channel().closeFuture().addListener(onClose);
        pump();
    }

    /** Asks for the next chunk when none is being read and fewer than {@link #WINDOW} are held. */
    private void pump() {
        if (ended || reading || unread == 0 || held >= WINDOW) {
            return;
        }
        long at = next;
        int n = (int) Math.min(CHUNK, unread);
        next += n;
        unread -= n;
        held++;
        reading = true;
        boolean last = unread == 0;
        lane.submit(() -> read(at, n, last));
    }

    /** On the storage executor: reads one chunk and hands it to the event loop. */
    private void read(long at, int n, boolean last) {
        if (ended) { // a racy look is enough: a chunk read after all is dropped on the loop
            toLoop(() -> dropped(null));
            return;
        }
        ByteBuf buf = ctx.alloc().ioBuffer(n);
        try {
            while (buf.readableBytes() < n) {
                int got = buf.writeBytes(file, at + buf.readableBytes(), n - buf.readableBytes());
                if (got < 0) {
                    throw new IOException("the file ends before the " + n + " bytes at " + at);
                }
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            toLoop(() -> failed(e));
            return;
        }
        if (!toLoop(() -> chunk(buf, last))) {
            buf.release();
        }
    }

    private boolean toLoop(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException stopping) {
            closeQuietly(file);
            return false;
        }
    }

    /** On the loop: writes a chunk read from the disk, and asks for the next one while it goes out. */
    private void chunk(ByteBuf buf, boolean last) {
        reading = false;
        if (ended) {
            dropped(buf);
            return;
        }
        HttpContent part = last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf);
        ctx.writeAndFlush(part).addListener(f -> written(f.isSuccess(), last));
        pump();
    }

    private void written(boolean ok, boolean last) {
        held--;
        if (!ok) {
            stop();
        } else if (last) {
            ended = true;
            closeFile();
            if (!keepAlive) {
                ctx.close();
            }
        } else {
            pump();
        }
    }

    private void dropped(ByteBuf buf) {
        reading = false;
        held--;
        if (buf != null) {
            buf.release();
        }
    }

    /** A read failed after the head went out: the only honest answer left is to cut the connection. */
    private void failed(Exception e) {
        reading = false;
        held--;
        if (!ended) {
            LogLimiter.of(log).warn("read", "reading a file for a response failed; closing the connection", e);
            stop();
            ctx.close();
        }
    }

    /** The connection closed (or a write failed) before the last part went out. */
    private void stop() {
        ended = true;
        closeFile();
    }

    private void closeFile() {
        if (closed) {
            return;
        }
        closed = true;
        ctx.channel().closeFuture().removeListener(onClose);
        lane.submit(new CloseFile(file)); // after any read still queued in the lane
    }

    /** Closes the file on the storage executor, or at once when the server is stopping (see SerialLane). */
    private record CloseFile(FileChannel file) implements Runnable, AutoCloseable {
        @Override
        public void run() {
            closeQuietly(file);
        }

        @Override
        public void close() {
            closeQuietly(file);
        }
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("closing a served file: {}", e.toString());
        }
    }
}
