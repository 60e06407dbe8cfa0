package dev.switchboard.turn.transport;

import dev.switchboard.stun.StunMessage;
import dev.switchboard.turn.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a TCP byte stream into STUN messages (20-byte header plus the length field) and ChannelData
 * messages (4-byte header plus the length padded to four, RFC 8656 section 12.5). A first byte that
 * is neither closes the connection: the stream cannot be resynchronised.
 */
final class TcpFramer extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int at = in.readerIndex();
            int first = in.getUnsignedByte(at);
            int length = in.getUnsignedShort(at + 2);
            int frame;
            if (first < 4) {
                frame = StunMessage.HEADER_LENGTH + length;
            } else if (Frames.isChannelData(first)) {
                frame = Frames.CHANNEL_DATA_HEADER + length + (-length & 3);
            } else {
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < frame) {
                return;
            }
            out.add(in.readRetainedSlice(frame));
        }
    }
}
