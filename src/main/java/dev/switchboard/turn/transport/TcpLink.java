package dev.switchboard.turn.transport;

import dev.switchboard.turn.ClientLink;
import dev.switchboard.turn.FiveTuple;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * A client connected over TCP. Frames are dropped, not queued, while the connection is not writable:
 * a slow reader loses relayed datagrams as it would on UDP instead of growing the server's memory.
 */
final class TcpLink implements ClientLink, LoopBound {
    private final Channel channel;
    private final FiveTuple tuple;

    TcpLink(Channel channel, FiveTuple tuple) {
        this.channel = channel;
        this.tuple = tuple;
    }

    @Override
    public FiveTuple fiveTuple() {
        return tuple;
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public boolean stream() {
        return true;
    }

    @Override
    public void write(ByteBuf frame) {
        if (!channel.isWritable() && !isStun(frame)) {
            frame.release();
            return;
        }
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    private static boolean isStun(ByteBuf frame) {
        return frame.readableBytes() > 0 && frame.getUnsignedByte(frame.readerIndex()) < 4;
    }

    /** Drops the STUN framing and joins this connection to the peer's, both reading from now on. */
    @Override
    public boolean splice(dev.switchboard.turn.PeerConnection peer) {
        if (!(peer instanceof TcpRelays.PeerChannel pc) || !channel.isActive()) {
            return false;
        }
        Channel p = pc.channel();
        io.netty.channel.ChannelPipeline pipeline = channel.pipeline();
        pipeline.remove("idle");
        pipeline.remove("turn");
        pipeline.addAfter("frames", "splice", new SpliceHandler(p));
        pipeline.remove("frames"); // bytes it still holds go on to the peer
        p.pipeline().addLast("splice", new SpliceHandler(channel));
        // the peer's bytes may only follow once the ConnectionBind answer has left: clients read that answer
        // alone (coturn's uclient drops what shares its read)
        channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener(f -> p.config().setAutoRead(true));
        return true;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }
}
