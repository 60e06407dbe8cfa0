package dev.switchboard.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handlers an HTTP connection runs through, and the one place that names them: {@link WebServer}
 * installs them on every connection (its own listener's and those a shared port hands it), and a
 * handler that takes the connection over for another protocol (a WebSocket) hands it over here, so
 * nothing outside this package depends on the names. Both run on the connection's event loop.
 */
public final class HttpPipeline {
    private static final String SLOW_BYTES = "slow-bytes";
    private static final String CODEC = "http";
    private static final String SLOW = "slow";
    private static final String IN_ORDER = "in-order";
    private static final String CONTINUE = "continue";
    private static final String DISPATCH = "dispatch";

    private HttpPipeline() {
    }

    /**
     * Appends the codec, {@link SlowClients}, {@link InOrder}, {@link ExpectContinue} and the dispatcher
     * (behind whatever is there already, such as a TLS handler).
     */
    static void install(Channel ch, ClientLimits limits, Router router, AtomicInteger inFlight) {
        SlowClients slow = new SlowClients(limits);
        ch.pipeline()
                .addLast(SLOW_BYTES, slow.bytes())
                .addLast(CODEC, new HttpServerCodec(8192, 16384, 65536))
                .addLast(SLOW, slow)
                .addLast(IN_ORDER, new InOrder())
                .addLast(CONTINUE, new ExpectContinue())
                .addLast(DISPATCH, new HttpDispatcher(router, inFlight));
    }

    /**
     * After a WebSocket handshake answered from a route handler (which replaces the codec): removes
     * the dispatcher and the request-ordering handlers and appends {@code handlers}, which then get the
     * connection's frames. {@link SlowClients} stays; it stepped aside at the switch.
     */
    public static void handOverToWebSocket(Channel ch, ChannelHandler... handlers) {
        ChannelPipeline p = ch.pipeline();
        p.remove(DISPATCH);
        for (String http : new String[] {CONTINUE, IN_ORDER}) {
            if (p.get(http) != null) {
                p.remove(http);
            }
        }
        p.addLast(handlers);
    }
}
