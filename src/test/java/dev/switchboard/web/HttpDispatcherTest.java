package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.DecoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dispatcher on an EmbeddedChannel: routing, body limits, streaming, and every buffer released. */
class HttpDispatcherTest {
    final List<ByteBuf> fed = new ArrayList<>();

    ByteBuf buf(String s) {
        ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
        fed.add(b);
        return b;
    }

    void assertAllReleased(EmbeddedChannel ch) {
        for (ByteBuf b : fed) {
            assertThat(b.refCnt()).as("inbound buffer released").isZero();
        }
        Object o;
        while ((o = ch.readOutbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** An HTTP/1.1 request head with its one Host header. */
    static DefaultHttpRequest request(HttpMethod method, String uri) {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        r.headers().set(HttpHeaderNames.HOST, "localhost");
        return r;
    }

    static FullHttpResponse response(EmbeddedChannel ch) {
        return ch.readOutbound();
    }

    @Test
    void unknownPathIs404WithJson() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("*", "/a").collect(10, (c, r) -> { }))));
        ch.writeInbound(request(HttpMethod.GET, "/b"), new DefaultLastHttpContent(buf("")));
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("\"error\":\"not_found\"");
        res.release();
        assertAllReleased(ch);
    }

    @Test
    void bodyIsCollectedAndHandedOverWhole() {
        StringBuilder seen = new StringBuilder();
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("POST", "/echo").collect(100, (c, r) -> {
            seen.append(r.content().toString(StandardCharsets.UTF_8));
            HttpResponses.text(c, r, HttpResponseStatus.OK, "got it");
        }))));
        ch.writeInbound(request(HttpMethod.POST, "/echo"),
                new DefaultHttpContent(buf("hello ")), new DefaultLastHttpContent(buf("world")));
        assertThat(seen.toString()).isEqualTo("hello world");
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.OK);
        res.release();
        assertAllReleased(ch);
    }

    @Test
    void bodyPastTheRouteLimitIs413AndNeverReachesTheHandler() {
        List<String> calls = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("POST", "/small").collect(8, (c, r) -> calls.add("called")))));
        ch.writeInbound(request(HttpMethod.POST, "/small"),
                new DefaultHttpContent(buf("12345")), new DefaultHttpContent(buf("67890")), new DefaultLastHttpContent(buf("x")));
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        res.release();
        assertThat(calls).isEmpty();
        assertAllReleased(ch);
    }

    @Test
    void declaredContentLengthPastTheLimitIsRefusedBeforeTheBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("POST", "/small").collect(8, (c, r) -> { }))));
        DefaultHttpRequest req = request(HttpMethod.POST, "/small");
        req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 1_000_000);
        ch.writeInbound(req);
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        res.release();
        assertAllReleased(ch);
    }

    /** A streaming handler that writes down each part ({@code part:TEXT}), then {@code end} or {@code abort}. */
    static StreamingHandler recording(List<String> events) {
        return (c, r, p) -> new StreamingHandler.Body() {
            public void content(ByteBuf part) {
                events.add("part:" + part.toString(StandardCharsets.UTF_8));
            }

            public void end() {
                events.add("end");
            }

            public void abort(Throwable cause) {
                events.add("abort");
            }
        };
    }

    @Test
    void streamingHandlerGetsEveryPartThenEndOrAbort() {
        List<String> events = new ArrayList<>();
        StreamingHandler h = recording(events);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("POST", "/up").stream(h))));
        ch.writeInbound(request(HttpMethod.POST, "/up"),
                new DefaultHttpContent(buf("ab")), new DefaultLastHttpContent(buf("cd")));
        assertThat(events).containsExactly("part:ab", "part:cd", "end");

        events.clear();
        ch.writeInbound(request(HttpMethod.POST, "/up"), new DefaultHttpContent(buf("half")));
        ch.close();
        assertThat(events).containsExactly("part:half", "abort");
        assertAllReleased(ch);
    }

    @Test
    void aFramingErrorInAStreamedBodyAbortsItAnswers400AndCloses() {
        List<String> events = new ArrayList<>();
        StreamingHandler h = recording(events);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("POST", "/up").stream(h))));
        DefaultLastHttpContent broken = new DefaultLastHttpContent(buf(""));
        broken.setDecoderResult(DecoderResult.failure(new NumberFormatException("bad chunk size")));
        ch.writeInbound(request(HttpMethod.POST, "/up"), new DefaultHttpContent(buf("ab")), broken);
        assertThat(events).as("never completed with what came before").containsExactly("part:ab", "abort");
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("close");
        res.release();
        assertThat(ch.isOpen()).isFalse();
        assertAllReleased(ch);
    }

    @Test
    void malformedRequestIs400() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("*", "/{path...}").collect(10, (c, r) -> { }))));
        DefaultHttpRequest bad = request(HttpMethod.GET, "/x");
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("broken")));
        ch.writeInbound(bad, new DefaultLastHttpContent(buf("")));
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        res.release();
        assertAllReleased(ch);
    }

    @Test
    void handlerFailureIs500AndReleasesTheRequest() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("POST", "/boom").collect(100, (c, r) -> {
            throw new IllegalStateException("boom");
        }))));
        ch.writeInbound(request(HttpMethod.POST, "/boom"), new DefaultLastHttpContent(buf("body")));
        FullHttpResponse res = response(ch);
        assertThat(res.status()).isEqualTo(HttpResponseStatus.INTERNAL_SERVER_ERROR);
        res.release();
        assertAllReleased(ch);
    }

    @Test
    void anEarlyAnswerKeepsABodylessConnectionButDrainsABodyAndStopsDrainingPastTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpDispatcher(List.of(Route.on("GET", "/a").collect((c, r) ->
                HttpResponses.text(c, r, HttpResponseStatus.OK, "a")))));
        ch.writeInbound(request(HttpMethod.DELETE, "/a"), new DefaultLastHttpContent(buf("")));
        FullHttpResponse notAllowed = response(ch);
        assertThat(notAllowed.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(notAllowed.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET");
        assertThat(notAllowed.headers().get(HttpHeaderNames.CONNECTION)).as("no body: the connection stays").isNull();
        notAllowed.release();

        DefaultHttpRequest upload = request(HttpMethod.POST, "/elsewhere");
        upload.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        ch.writeInbound(upload);
        FullHttpResponse notFound = response(ch);
        assertThat(notFound.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(notFound.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("close");
        notFound.release();
        ch.writeInbound(new DefaultHttpContent(buf("x".repeat(1000))));
        assertThat(ch.isOpen()).as("drained while the client sends").isTrue();
        ByteBuf big = Unpooled.wrappedBuffer(new byte[(int) Draining.LIMIT]);
        fed.add(big);
        ch.writeInbound(new DefaultHttpContent(big));
        assertThat(ch.isOpen()).as("past the drain limit the connection closes").isFalse();
        assertAllReleased(ch);
    }
}
