package dev.switchboard.turn.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One side of an RFC 6062 splice on EmbeddedChannel: what one read loop took leaves in one flush. */
class SpliceHandlerTest {

    /** The spliced-to side, counting the flushes that reach its transport. */
    static final class Other {
        final AtomicInteger flushes = new AtomicInteger();
        final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    static String drain(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out.toString();
    }

    @Test
    void buffersReadInOneLoopAreFlushedTogetherWhenTheLoopCompletes() {
        Other other = new Other();
        EmbeddedChannel side = new EmbeddedChannel(new SpliceHandler(other.channel));
        side.pipeline().fireChannelRead(bytes("first 2048 bytes of a read|"));
        side.pipeline().fireChannelRead(bytes("the 352 that did not fit"));
        assertThat(other.flushes).as("nothing flushed while the loop is still reading").hasValue(0);
        assertThat(drain(other.channel)).isEmpty();

        side.pipeline().fireChannelReadComplete();
        assertThat(other.flushes).hasValue(1);
        assertThat(drain(other.channel)).isEqualTo("first 2048 bytes of a read|the 352 that did not fit");
        assertThat(side.finishAndReleaseAll()).isFalse();
        other.channel.finishAndReleaseAll();
    }

    @Test
    void aLoopThatReadNothingFlushesNothing() {
        Other other = new Other();
        EmbeddedChannel side = new EmbeddedChannel(new SpliceHandler(other.channel));
        side.pipeline().fireChannelReadComplete();
        assertThat(other.flushes).hasValue(0);
        side.finishAndReleaseAll();
        other.channel.finishAndReleaseAll();
    }

    @Test
    void readingPausesWhileTheOtherSideCannotTakeMoreAndBytesToAClosedSideAreReleased() {
        Other other = new Other();
        other.channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        EmbeddedChannel side = new EmbeddedChannel(new SpliceHandler(other.channel));
        side.pipeline().fireChannelRead(bytes("more than sixteen bytes unflushed"));
        assertThat(side.config().isAutoRead()).isFalse();
        side.pipeline().fireChannelReadComplete();
        assertThat(drain(other.channel)).isEqualTo("more than sixteen bytes unflushed");

        other.channel.close();
        ByteBuf late = bytes("late");
        side.pipeline().fireChannelRead(late);
        assertThat(late.refCnt()).isZero();
        side.finishAndReleaseAll();
    }
}
