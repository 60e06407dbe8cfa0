package dev.switchboard.signaling.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** An Engine.IO packet as the WebSocket frame that carries it. */
final class WebSocketFrames {
    private static final byte[] V3_BINARY_PREFIX = {(byte) (EnginePacket.Type.MESSAGE.code - '0')};

    private WebSocketFrames() {
    }

    /**
     * Text packets as text (the type digit, then the text); binary ones as binary, or as base64 text when
     * a v3 client asked for it ({@code b64}).
     */
    static WebSocketFrame of(EnginePacket p, EngineProtocol protocol, boolean base64, ByteBufAllocator alloc) {
        if (!p.isBinary()) {
            return new TextWebSocketFrame(text(p, alloc));
        }
        if (base64) {
            return new TextWebSocketFrame(EngineCodecV3.encodePacket(p));
        }
        return new BinaryWebSocketFrame(binary(p, protocol));
    }

    /** The type digit and the text, encoded straight into a pooled buffer. */
    private static ByteBuf text(EnginePacket p, ByteBufAllocator alloc) {
        String text = p.text();
        ByteBuf buf = alloc.buffer(1 + ByteBufUtil.utf8Bytes(text));
        buf.writeByte(p.type().code);
        ByteBufUtil.writeUtf8(buf, text);
        return buf;
    }

    /** The bytes of a binary message; v3 puts the message type byte (4) before them. */
    private static ByteBuf binary(EnginePacket p, EngineProtocol protocol) {
        if (protocol == EngineProtocol.V4) {
            return Unpooled.wrappedBuffer(p.bytesUnsafe());
        }
        return Unpooled.wrappedBuffer(V3_BINARY_PREFIX, p.bytesUnsafe());
    }
}
