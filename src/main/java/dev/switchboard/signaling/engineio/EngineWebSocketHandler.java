package dev.switchboard.signaling.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * Turns WebSocket frames of one connection into Engine.IO packets for its session: a text frame is one
 * packet, a binary frame is a binary message (in v3 after its type byte, which must be 4; v3 also
 * accepts base64 binary in a text frame). Malformed input closes the session.
 */
final class EngineWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final EngineSocket session;

    EngineWebSocketHandler(EngineSocket session) {
        this.session = session;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            ByteBuf content = text.content();
            if (content.readableBytes() > 1 && content.getByte(content.readerIndex()) == '4') {
                // A message, the common case: its text without the type digit, in one decode and no copy.
                deliver(ctx, EnginePacket.message(content.toString(content.readerIndex() + 1,
                        content.readableBytes() - 1, StandardCharsets.UTF_8)));
                return;
            }
            EnginePacket p;
            try {
                p = session.protocol().decodePacket(text.text());
                if (p.isBinary() && session.protocol() == EngineProtocol.V4) {
                    throw new EngineProtocolException("base64 binary packet over WebSocket");
                }
            } catch (EngineProtocolException e) {
                session.close("parse error");
                ctx.close();
                return;
            }
            deliver(ctx, p);
        } else if (frame instanceof BinaryWebSocketFrame bin) {
            ByteBuf content = bin.content();
            if (session.protocol() == EngineProtocol.V3) {
                // v3 puts the packet type before the bytes; only a message may be binary.
                if (!content.isReadable() || content.getByte(content.readerIndex()) != 4) {
                    session.close("parse error");
                    ctx.close();
                    return;
                }
                content = content.slice(content.readerIndex() + 1, content.readableBytes() - 1);
            }
            deliver(ctx, EnginePacket.binaryOwned(ByteBufUtil.getBytes(content)));
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, null)).addListener(f -> ctx.close());
        }
    }

    private void deliver(ChannelHandlerContext ctx, EnginePacket p) {
        if (session.loop().inEventLoop()) {
            session.onWebSocketPacket(ctx.channel(), p);
        } else {
            session.loop().execute(() -> session.onWebSocketPacket(ctx.channel(), p));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.loop().execute(() -> session.onWebSocketClosed(ctx.channel()));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Corrupt or oversized frames: the decoder already answered with a close frame where it could.
        ctx.close();
    }
}
