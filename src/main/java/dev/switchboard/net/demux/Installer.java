package dev.switchboard.net.demux;

import io.netty.channel.Channel;

/** Finishes a connection's pipeline for one protocol: appends that protocol's handlers at its end. */
@FunctionalInterface
public interface Installer {
    void install(Channel ch);
}
