package dev.switchboard;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.net.EventLoops;
import dev.switchboard.net.demux.PortPlan;
import dev.switchboard.net.demux.PortServices;
import dev.switchboard.net.demux.SharedListener;
import dev.switchboard.net.tls.ServerTls;
import dev.switchboard.turn.transport.TurnListener;
import dev.switchboard.web.ClientLimits;
import dev.switchboard.web.WebServer;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and HTTPS servers and the listeners of ports named by several of http.port, https.port,
 * turn.port and turn.tls-port (which may carry TURN too): each port gets its own listener or one
 * shared with the other protocols on it, as the {@link PortPlan} says. {@link Switchboard} starts
 * them last and, when stopping, first stops them accepting and later closes their connections.
 * Started and stopped on the thread that starts and stops the server.
 */
final class WebListeners {
    private static final Logger log = LoggerFactory.getLogger(WebListeners.class);

    private final SwitchboardConfig config;
    private WebServer web;
    private WebServer https;
    private InetSocketAddress httpAddress;
    private InetSocketAddress httpsAddress;
    private final List<SharedListener> shared = new ArrayList<>();

    WebListeners(SwitchboardConfig config) {
        this.config = config;
    }

    private ClientLimits clientLimits() {
        SwitchboardConfig.HttpConfig h = config.http();
        return new ClientLimits(h.requestHeadTimeout(), h.idleTimeout(), h.bodyMinBytes(), h.bodyInterval(),
                h.maxConnectionsPerIp());
    }

    /**
     * HTTP (only redirecting to HTTPS when tls.redirect-http asks), then HTTPS, each on a listener of
     * its own unless its port is shared, then the shared ports. {@code tls} and {@code turn} are null
     * when not enabled.
     */
    void start(EventLoops loops, PortPlan ports, AppRoutes routes, ServerTls tls, TurnListener turn)
            throws InterruptedException {
        if (config.http().port() != 0) {
            web = new WebServer(loops, config.tls().redirectHttp() && tls != null && config.tls().httpsPort() != 0
                    ? routes.redirecting() : routes.app(), null, clientLimits());
            if (!ports.shared(ports.http())) {
                httpAddress = web.start(config.bind(), config.http().port());
                log.info("HTTP listening on {} ({}, {} loops)", httpAddress, loops.transport().label(), loops.placement().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (config.tls().httpsPort() != 0) {
            https = new WebServer(loops, routes.app(), tls::context, clientLimits());
            if (!ports.shared(ports.https())) {
                httpsAddress = https.start(config.bind(), config.tls().httpsPort());
                log.info("HTTPS listening on {}", httpsAddress);
            }
        }
        startShared(loops, ports, tls, turn);
    }

    /**
     * One listener for each TCP port named by several of http.port, https.port, turn.port and
     * turn.tls-port: it tells the protocols apart by a connection's first bytes (and ALPN after TLS).
     */
    private void startShared(EventLoops loops, PortPlan ports, ServerTls tls, TurnListener turn)
            throws InterruptedException {
        for (int port : ports.sharedPorts()) {
            PortServices services = new PortServices(
                    ports.http() == port ? web::serve : null,
                    ports.turn() == port ? turn::serveTcp : null,
                    tls == null ? null : tls::context,
                    ports.https() == port ? https::serve : null,
                    ports.turns() == port ? turn::serveTls : null);
            SharedListener listener = new SharedListener(loops, services);
            shared.add(listener);
            Channel ch = listener.start(config.bind(), port);
            List<String> served = new ArrayList<>();
            if (services.http() != null) {
                httpAddress = web.attach(ch);
                served.add("HTTP");
            }
            if (services.https() != null) {
                httpsAddress = https.attach(ch);
                served.add("HTTPS");
            }
            if (services.turn() != null) {
                served.add("TURN/TCP (TURN/UDP on the same number)");
            }
            if (services.turns() != null) {
                served.add("TURNS");
            }
            log.info("{} listening on {}, told apart by their first bytes", String.join(", ", served), listener.address());
        }
    }

    /** Every enabled web listener is bound. */
    boolean up() {
        return (config.http().port() == 0 || (web != null && web.isUp()))
                && (config.tls().httpsPort() == 0 || (https != null && https.isUp()));
    }

    InetSocketAddress httpAddress() {
        return httpAddress;
    }

    InetSocketAddress httpsAddress() {
        return httpsAddress;
    }

    /** The bound shared ports. */
    List<Integer> sharedPorts() {
        return shared.stream().map(l -> l.address().getPort()).toList();
    }

    /** Streamed requests (uploads) in progress. */
    int inFlight() {
        return (web == null ? 0 : web.inFlight()) + (https == null ? 0 : https.inFlight());
    }

    /** Stops accepting connections (the shared ports' listeners close); those open carry on. */
    void stopAccepting() {
        if (web != null) {
            web.stopAccepting();
        }
        if (https != null) {
            https.stopAccepting();
        }
        for (SharedListener listener : shared) {
            listener.close();
        }
    }

    /** Closes every HTTP and HTTPS connection. */
    void close() {
        if (web != null) {
            web.close();
        }
        if (https != null) {
            https.close();
        }
    }
}
