package dev.switchboard.turn.transport;

import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunFormatException;
import dev.switchboard.turn.FiveTuple;
import dev.switchboard.turn.Frames;
import dev.switchboard.turn.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;

/**
 * One TCP (or TLS) client connection after {@link TcpFramer}: STUN messages to the server, ChannelData
 * to the allocation. A malformed STUN message closes the connection without an answer; closing the
 * connection deletes its allocation (RFC 8656 section 3.1). A connection idle without an allocation is closed.
 */
final class TcpHandler extends ChannelInboundHandlerAdapter {
    private final TurnServer server;
    private final FiveTuple.Protocol protocol;
    private TcpLink link;

    TcpHandler(TurnServer server, FiveTuple.Protocol protocol) {
        this.server = server;
        this.protocol = protocol;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        link(ctx);
        super.channelActive(ctx);
    }

    private TcpLink link(ChannelHandlerContext ctx) {
        if (link == null) {
            link = new TcpLink(ctx.channel(), new FiveTuple(protocol, (InetSocketAddress) ctx.channel().remoteAddress(),
                    (InetSocketAddress) ctx.channel().localAddress()));
        }
        return link;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        TcpLink l = link(ctx);
        int first = frame.getUnsignedByte(frame.readerIndex());
        if (Frames.isChannelData(first)) {
            int channel = frame.getUnsignedShort(frame.readerIndex());
            int length = frame.getUnsignedShort(frame.readerIndex() + 2);
            ByteBuf payload = frame.retainedSlice(frame.readerIndex() + Frames.CHANNEL_DATA_HEADER, length);
            frame.release();
            server.onChannelData(l.fiveTuple(), channel, payload);
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(frame);
        frame.release();
        try {
            server.onStun(l, StunDecoder.decode(bytes));
        } catch (StunFormatException e) {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !server.hasAllocation(link(ctx).fiveTuple())) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (link != null) {
            server.linkClosed(link.fiveTuple());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
