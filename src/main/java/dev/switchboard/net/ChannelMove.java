package dev.switchboard.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.EventExecutor;

/**
 * Moving a connection to another event loop of its group, so that it and the state it serves (a TURN
 * allocation, an Engine.IO session) share one thread and hand nothing across threads. The connection
 * leaves its loop and joins the other; what arrives meanwhile waits in the kernel. Only while nothing
 * else is being done with it: a task already queued on the old loop would run there.
 */
public final class ChannelMove {
    private ChannelMove() {
    }

    /**
     * Whether {@code ch} would move to {@code target}: another loop of the same group, and not on
     * io_uring, where a channel leaving a loop with reads in flight never finishes leaving (Netty 4.2.18).
     */
    public static boolean possible(Channel ch, EventExecutor target) {
        return target instanceof EventLoop loop && loop != ch.eventLoop() && loop.parent() == ch.eventLoop().parent()
                && !(ch instanceof IoUringSocketChannel) && !(ch instanceof IoUringDatagramChannel);
    }

    /**
     * Deregisters {@code ch} and registers it on {@code target}, then runs {@code moved} on
     * {@code target}; when either half fails, closes the channel and runs {@code failed} (on whichever
     * loop saw the failure).
     */
    public static void move(Channel ch, EventLoop target, Runnable moved, Runnable failed) {
        ch.deregister().addListener((ChannelFutureListener) off -> {
            if (!off.isSuccess()) {
                ch.close();
                failed.run();
                return;
            }
            target.register(ch).addListener((ChannelFutureListener) on -> {
                if (on.isSuccess()) {
                    moved.run();
                } else {
                    ch.close();
                    failed.run();
                }
            });
        });
    }
}
