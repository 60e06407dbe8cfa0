package dev.switchboard.turn.transport;

import dev.switchboard.turn.ClientLink;
import dev.switchboard.turn.FiveTuple;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** A client reached over UDP: its source address on one listener socket. */
final class UdpLink implements ClientLink, LoopBound {
    private final Channel channel;
    private final InetSocketAddress client;
    private final FiveTuple tuple;
    private final UdpHandler listener;

    UdpLink(Channel channel, InetSocketAddress client, FiveTuple tuple, UdpHandler listener) {
        this.channel = channel;
        this.client = client;
        this.tuple = tuple;
        this.listener = listener;
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
        return false;
    }

    @Override
    public void write(ByteBuf frame) {
        listener.send(new DatagramPacket(frame, client));
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }
}
