package dev.switchboard.web;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client IP address on one listener: past {@code max} a new connection is closed
 * as soon as it is accepted, so that one address cannot hold every socket and file descriptor.
 */
final class ConnectionsPerIp {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ConnectionsPerIp(int max) {
        this.max = max;
    }

    /** True (and counted until it closes) when {@code ch}'s address may open another connection. */
    boolean admit(Channel ch) {
        if (!(ch.remoteAddress() instanceof InetSocketAddress remote)) {
            return true;
        }
        InetAddress ip = remote.getAddress();
        boolean[] admitted = {false};
        open.compute(ip, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (admitted[0]) {
            ch.closeFuture().addListener(f -> open.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1));
        }
        return admitted[0];
    }

    int count(InetAddress ip) {
        return open.getOrDefault(ip, 0);
    }
}
