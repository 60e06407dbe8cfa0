package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InOrder} on an EmbeddedChannel: what the next handler sees, and when, as responses go out. */
class InOrderTest {
    final List<String> seen = new ArrayList<>();
    final EmbeddedChannel ch = new EmbeddedChannel(new InOrder(), new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                seen.add(req.uri());
                if (req.uri().equals("/upload-that-pauses")) {
                    ctx.channel().config().setAutoRead(false); // as an upload's flow control does
                }
            } else if (msg instanceof HttpContent c) {
                seen.add((msg instanceof LastHttpContent ? "end:" : "part:") + c.content().toString(StandardCharsets.UTF_8));
            }
            ReferenceCountUtil.release(msg);
        }
    });

    static DefaultHttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    static DefaultFullHttpResponse full(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    }

    void drainOutbound() {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Test
    void aRequestArrivingDuringAStreamedResponseIsHeldWithItsBodyUntilTheLastPartIsWrittenAndReadingPauses() {
        ch.writeInbound(get("/one"), new DefaultLastHttpContent(text("")),
                get("/two"), new DefaultHttpContent(text("a")), new DefaultLastHttpContent(text("b")));
        assertThat(seen).containsExactly("/one", "end:");
        assertThat(ch.config().isAutoRead()).as("reading paused while a request is held").isFalse();

        ch.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.writeAndFlush(new DefaultHttpContent(text("chunk")));
        assertThat(seen).as("not before the last part").containsExactly("/one", "end:");

        ch.writeAndFlush(new DefaultLastHttpContent(text("last")));
        assertThat(seen).containsExactly("/one", "end:", "/two", "part:a", "end:b");
        assertThat(ch.config().isAutoRead()).isTrue();
        drainOutbound();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPauseAskedForByTheLastHeldRequestsHandlerIsNotUndoneWhenTheHeldRequestsGoOn() {
        ch.writeInbound(get("/one"), get("/upload-that-pauses"), new DefaultLastHttpContent(text("body")));
        ch.writeAndFlush(full(HttpResponseStatus.OK));
        assertThat(seen).containsExactly("/one", "/upload-that-pauses", "end:body");
        assertThat(ch.config().isAutoRead()).as("the upload's pause holds").isFalse();
        drainOutbound();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void readingTurnedBackOnByAnotherHandlerWhileRequestsAreHeldIsTurnedOffAgain() {
        ch.writeInbound(get("/one"), get("/two"));
        ch.config().setAutoRead(true); // e.g. an upload that drained its backlog
        ch.writeInbound(new DefaultLastHttpContent(text("")));
        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat(seen).containsExactly("/one");
        ch.writeAndFlush(full(HttpResponseStatus.OK));
        assertThat(seen).containsExactly("/one", "/two", "end:");
        assertThat(ch.config().isAutoRead()).isTrue();
        drainOutbound();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theBodyOfTheRequestBeingAnsweredStillFlowsAfterAnEarlyAnswer() {
        ch.writeInbound(get("/upload"), new DefaultHttpContent(text("1")));
        ch.writeAndFlush(full(HttpResponseStatus.BAD_REQUEST));
        ch.writeInbound(new DefaultLastHttpContent(text("2")), get("/next"), new DefaultLastHttpContent(text("")));
        assertThat(seen).containsExactly("/upload", "part:1", "end:2", "/next", "end:");
        drainOutbound();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aContinueDoesNotEndTheExchangeButSwitchingProtocolsDoes() {
        ch.writeInbound(get("/one"), get("/two"));
        ch.writeAndFlush(full(HttpResponseStatus.CONTINUE));
        assertThat(seen).containsExactly("/one");
        ch.writeAndFlush(full(HttpResponseStatus.SWITCHING_PROTOCOLS));
        assertThat(seen).containsExactly("/one", "/two");
        drainOutbound();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void afterAResponseThatClosesTheConnectionNothingHeldIsPassedOnAndAllOfItIsReleased() {
        ByteBuf body = text("never");
        ch.writeInbound(get("/one"), get("/two"), new DefaultLastHttpContent(body));
        DefaultFullHttpResponse bye = full(HttpResponseStatus.OK);
        bye.headers().set(HttpHeaderNames.CONNECTION, "close");
        ch.writeAndFlush(bye);
        assertThat(seen).containsExactly("/one");
        assertThat(body.refCnt()).as("the held body is released").isZero();
        ch.writeInbound(get("/three"));
        assertThat(seen).containsExactly("/one");
        drainOutbound();
        ch.finishAndReleaseAll();
    }

    @Test
    void whatIsHeldIsReleasedWhenTheConnectionCloses() {
        ByteBuf body = text("held");
        ch.writeInbound(get("/one"), get("/two"), new DefaultLastHttpContent(body));
        ch.close();
        assertThat(body.refCnt()).isZero();
        assertThat(seen).containsExactly("/one");
    }
}
