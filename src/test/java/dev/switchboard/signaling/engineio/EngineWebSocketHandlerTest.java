package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WebSocket side of a session on an EmbeddedChannel: packets up, bad input closes, nothing leaks. */
class EngineWebSocketHandlerTest {
    final List<String> heard = new ArrayList<>();

    EmbeddedChannel channel() {
        EngineServer server = new EngineServer(ConfigLoader.load(null, Map.of(), Map.of()).signaling(), "/socket.io/");
        EmbeddedChannel ch = new EmbeddedChannel();
        EngineSocket session = new EngineSocket("sid", server, ch.eventLoop(), new Handshake(Map.of(), null, null, null, null),
                EngineSocket.Transport.WEBSOCKET, EngineProtocol.V4);
        session.attach(new SessionListener() {
            public void onMessage(EnginePacket message) {
                heard.add(message.isBinary() ? "binary:" + message.bytes().length : "text:" + message.text());
            }

            public void onClose(String reason) {
                heard.add("close:" + reason);
            }
        });
        session.attachWebSocket(ch);
        ch.pipeline().addLast(new EngineWebSocketHandler(session));
        return ch;
    }

    @Test
    void textAndBinaryFramesBecomeMessages() {
        EmbeddedChannel ch = channel();
        TextWebSocketFrame text = new TextWebSocketFrame("4hello");
        BinaryWebSocketFrame bin = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        ch.writeInbound(text, bin);
        ch.runPendingTasks();
        assertThat(heard).containsExactly("text:hello", "binary:3");
        assertThat(text.refCnt()).isZero();
        assertThat(bin.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void malformedPacketClosesTheSessionAndTheConnection() {
        EmbeddedChannel ch = channel();
        TextWebSocketFrame bad = new TextWebSocketFrame("9what");
        ch.writeInbound(bad);
        ch.runPendingTasks();
        assertThat(heard).containsExactly("close:parse error");
        assertThat(bad.refCnt()).isZero();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void base64BinaryIsOnlyForLongPolling() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new TextWebSocketFrame("bAQID"));
        ch.runPendingTasks();
        assertThat(heard).containsExactly("close:parse error");
        ch.finishAndReleaseAll();
    }

    @Test
    void webSocketPingIsAnsweredWithItsPayload() {
        EmbeddedChannel ch = channel();
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {7});
        ch.writeInbound(new PingWebSocketFrame(payload));
        PongWebSocketFrame pong = ch.readOutbound();
        assertThat(pong.content().getByte(0)).isEqualTo((byte) 7);
        pong.release();
        assertThat(payload.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
