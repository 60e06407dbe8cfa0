package dev.switchboard.turn.transport;

import dev.switchboard.turn.RelayReceiver;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/** Datagrams arriving at a relay socket from peers, handed to the allocation (RFC 8656 section 11.3). */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private volatile RelayReceiver receiver;

    RelayHandler(RelayReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            RelayReceiver r = receiver;
            if (msg instanceof DatagramPacket p && r != null) {
                r.fromPeer(p.sender(), p.content());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    void attach(RelayReceiver r) {
        this.receiver = r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable from a peer and the like: the relay stays open
    }
}
