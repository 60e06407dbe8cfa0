package dev.switchboard.turn.transport;

import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunFormatException;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.turn.FiveTuple;
import dev.switchboard.turn.Frames;
import dev.switchboard.turn.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * One UDP listener socket: demultiplexes each datagram by its first byte (RFC 7983): 0..3 is STUN,
 * 0x40..0x7F is ChannelData (RFC 8656 section 12.4, RFC 5766 range), anything else is dropped. Malformed datagrams are
 * dropped without an answer.
 */
final class UdpHandler extends ChannelInboundHandlerAdapter {
    private final TurnServer server;
    private InetSocketAddress local;
    private Channel channel;
    private boolean flushScheduled;
    private final Runnable flush = () -> {
        flushScheduled = false;
        channel.flush();
    };

    UdpHandler(TurnServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        local = (InetSocketAddress) ctx.channel().localAddress();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf in = packet.content();
        InetSocketAddress sender = packet.sender();
        try {
            if (local == null) {
                local = (InetSocketAddress) ctx.channel().localAddress();
            }
            int n = in.readableBytes();
            if (n < 4) {
                return;
            }
            int first = in.getUnsignedByte(in.readerIndex());
            if (Frames.isChannelData(first)) {
                int channel = in.getUnsignedShort(in.readerIndex());
                int length = in.getUnsignedShort(in.readerIndex() + 2);
                if (length > n - Frames.CHANNEL_DATA_HEADER) {
                    return;
                }
                // a copy, not a slice: the datagram may share a batch buffer of up to half a megabyte with
                // others, which a slice waiting in a relay's outbound queue would keep from the pool
                ByteBuf payload = ctx.alloc().directBuffer(length)
                        .writeBytes(in, in.readerIndex() + Frames.CHANNEL_DATA_HEADER, length);
                server.onChannelData(new FiveTuple(FiveTuple.Protocol.UDP, sender, local), channel, payload);
            } else if (first < 4 && n >= StunMessage.HEADER_LENGTH) {
                StunMessage m;
                try {
                    m = StunDecoder.decode(ByteBufUtil.getBytes(in));
                } catch (StunFormatException e) {
                    return;
                }
                FiveTuple tuple = new FiveTuple(FiveTuple.Protocol.UDP, sender, local);
                server.onStun(new UdpLink(ctx.channel(), sender, tuple, this), m);
            }
        } finally {
            packet.release();
        }
    }

    /**
     * Queues a datagram towards a client and flushes once after the current batch of I/O, so that the
     * frames relayed from many peers in one loop turn leave in one sendmmsg. From another thread it
     * writes and flushes at once.
     */
    void send(DatagramPacket packet) {
        Channel ch = channel;
        if (!ch.eventLoop().inEventLoop()) {
            ch.writeAndFlush(packet, ch.voidPromise());
            return;
        }
        ch.write(packet, ch.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            ch.eventLoop().execute(flush);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and the like on a connectionless socket: nothing to do
    }
}
