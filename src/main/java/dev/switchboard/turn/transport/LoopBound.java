package dev.switchboard.turn.transport;

import io.netty.channel.EventLoop;

/** A client link that lives on one event loop; its relay socket is registered on the same loop. */
interface LoopBound {
    EventLoop eventLoop();
}
