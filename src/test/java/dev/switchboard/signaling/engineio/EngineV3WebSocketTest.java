package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An Engine.IO v3 session over WebSocket on an EmbeddedChannel (paranoid leak detection): the type byte of
 * binary frames, base64 frames, and the client-driven heartbeat on the channel's own clock.
 */
class EngineV3WebSocketTest {
    final List<String> heard = new ArrayList<>();
    EmbeddedChannel ch;
    EngineSocket session;

    /** pingInterval 1 s + pingTimeout 0.5 s: a v3 session ends after 1.5 s without a packet. */
    void open(Map<String, List<String>> query) {
        EngineServer server = new EngineServer(ConfigLoader.load(null, Map.of(),
                Map.of("signaling.ping-interval", "1s", "signaling.ping-timeout", "500ms")).signaling(), "/socket.io/");
        ch = new EmbeddedChannel();
        ch.freezeTime();
        session = new EngineSocket("sid", server, ch.eventLoop(), new Handshake(query, null, null, null, null),
                EngineSocket.Transport.WEBSOCKET, EngineProtocol.V3);
        session.attach(new SessionListener() {
            public void onMessage(EnginePacket message) {
                heard.add(message.isBinary() ? "binary:" + java.util.Arrays.toString(message.bytes()) : "text:" + message.text());
            }

            public void onClose(String reason) {
                heard.add("close:" + reason);
            }
        });
        session.attachWebSocket(ch);
        ch.pipeline().addLast(new EngineWebSocketHandler(session));
        session.opened(EnginePacket.of(EnginePacket.Type.OPEN, "{}"));
        assertThat(text(ch.readOutbound())).isEqualTo("0{}");
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    static String text(Object frame) {
        TextWebSocketFrame t = (TextWebSocketFrame) frame;
        try {
            return t.text();
        } finally {
            t.release();
        }
    }

    static byte[] bytes(Object frame) {
        BinaryWebSocketFrame b = (BinaryWebSocketFrame) frame;
        try {
            return ByteBufUtil.getBytes(b.content());
        } finally {
            b.release();
        }
    }

    @Test
    void binaryFramesCarryTheTypeByteBothWays() {
        open(Map.of());
        BinaryWebSocketFrame in = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {4, 1, 2, 3}));
        TextWebSocketFrame base64 = new TextWebSocketFrame("b4AQID");
        ch.writeInbound(in, base64);
        ch.runPendingTasks();
        assertThat(heard).containsExactly("binary:[1, 2, 3]", "binary:[1, 2, 3]");
        assertThat(in.refCnt()).isZero();
        assertThat(base64.refCnt()).isZero();

        session.send(EnginePacket.binary(new byte[] {9, 8}));
        assertThat(bytes(ch.readOutbound())).containsExactly(4, 9, 8);
        session.send(EnginePacket.message("hi"));
        assertThat(text(ch.readOutbound())).isEqualTo("4hi");
    }

    @Test
    void aClientThatAskedForBase64GetsBase64Frames() {
        open(Map.of("b64", List.of("1")));
        session.send(EnginePacket.binary(new byte[] {1, 2, 3}));
        assertThat(text(ch.readOutbound())).isEqualTo("b4AQID");
    }

    @Test
    void binaryFrameOfAnotherTypeClosesTheSession() {
        open(Map.of());
        WebSocketFrame bad = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {2, 1}));
        ch.writeInbound(bad);
        ch.runPendingTasks();
        assertThat(heard).containsExactly("close:parse error");
        assertThat(bad.refCnt()).isZero();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void emptyBinaryFrameClosesTheSession() {
        open(Map.of());
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER));
        ch.runPendingTasks();
        assertThat(heard).containsExactly("close:parse error");
    }

    @Test
    void badBase64FrameClosesTheSession() {
        open(Map.of());
        ch.writeInbound(new TextWebSocketFrame("b4AQ!D"));
        ch.runPendingTasks();
        assertThat(heard).containsExactly("close:parse error");
    }

    @Test
    void theClientPingsAndTheServerAnswersWithTheSameData() {
        open(Map.of());
        ch.writeInbound(new TextWebSocketFrame("2"), new TextWebSocketFrame("2probe"));
        ch.runPendingTasks();
        assertThat(text(ch.readOutbound())).isEqualTo("3");
        assertThat(text(ch.readOutbound())).isEqualTo("3probe");
        assertThat(heard).isEmpty();
    }

    @Test
    void silenceForPingIntervalPlusPingTimeoutEndsTheSessionAndAnyPacketKeepsItAlive() {
        open(Map.of());
        advance(1400);
        assertThat(heard).isEmpty();
        assertThat((Object) ch.readOutbound()).as("a v3 server never pings").isNull();

        ch.writeInbound(new TextWebSocketFrame("2"));
        assertThat(text(ch.readOutbound())).isEqualTo("3");
        advance(1400);
        assertThat(heard).as("1.4 s after the ping").isEmpty();

        ch.writeInbound(new TextWebSocketFrame("4data"));
        advance(1400);
        assertThat(heard).as("a message counts as a sign of life").containsExactly("text:data");

        advance(200);
        assertThat(heard).containsExactly("text:data", "close:ping timeout");
        assertThat(session.isOpen()).isFalse();
    }

    void advance(long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }
}
