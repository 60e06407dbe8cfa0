package dev.switchboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.net.EventLoops;
import dev.switchboard.signaling.engineio.EngineServer;
import dev.switchboard.signaling.socketio.Namespace;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.web.Route;
import dev.switchboard.web.WebServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Socket.IO engine configured as the official socket.io-protocol test suite expects: port 3000,
 * pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6, connectTimeout 1000 ms, any origin; on
 * connect it emits {@code auth} with the handshake's auth; it echoes {@code message} as
 * {@code message-back} and acks {@code message-with-ack} with its arguments; {@code /custom} likewise.
 * Started by {@code java -jar switchboard.jar --conformance-fixture}; not part of normal serving.
 */
public final class ConformanceFixture implements AutoCloseable {
    private final EventLoops loops = new EventLoops(2);
    private final WebServer web;
    private final EngineServer engine;

    public ConformanceFixture() {
        SignalingConfig base = ConfigLoader.load(null, Map.of(), Map.of()).signaling();
        SignalingConfig cfg = new SignalingConfig(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(1000),
                1_000_000, List.of("*"), base.roomCapacity(), base.codelabRoomCapacity(), base.maxMessageBytes(),
                base.messagesPerSecond(), base.messageBurst(), base.roomsPerConnection(), base.outboundQueueBytes(),
                base.allowEio3(), 1_000_000, 1_000_000,
                Duration.ZERO, base.recoveryMaxPackets()); // the suite expects events as sent, without offsets
        // the reference server's CORS defaults (the npm cors package), which the suite run in a browser needs
        engine = new EngineServer(cfg, "/socket.io/", "GET,HEAD,PUT,PATCH,POST,DELETE");
        SioServer sio = new SioServer(cfg);
        engine.listener(sio);
        setUp(sio.namespace("/"));
        setUp(sio.namespace("/custom"));
        web = new WebServer(loops, List.of(Route.on("*", "/socket.io/{rest...}").collect(cfg.maxPayload(), engine)));
    }

    private static void setUp(Namespace ns) {
        ns.onConnected(socket -> {
            socket.emit("auth", socket.auth());
            socket.on("message", (s, args, ack) -> s.emit("message-back", spread(args)));
            socket.on("message-with-ack", (s, args, ack) -> {
                if (ack != null) {
                    ack.send(spread(args));
                }
            });
        });
    }

    private static Object[] spread(ArrayNode args) {
        Object[] out = new Object[args.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = args.get(i);
        }
        return out;
    }

    /** The transport of every open session ("polling" or "websocket"), for tests. */
    public List<String> transports() {
        return engine.sessions().stream().map(s -> s.transportName()).toList();
    }

    public InetSocketAddress start(String bind, int port) throws InterruptedException {
        return web.start(bind, port);
    }

    static void run() throws InterruptedException {
        ConformanceFixture f = new ConformanceFixture();
        InetSocketAddress a = f.start("127.0.0.1", 3000);
        System.out.println("Socket.IO conformance fixture on http://127.0.0.1:" + a.getPort() + "/socket.io/");
        Runtime.getRuntime().addShutdownHook(new Thread(f::close));
        Thread.currentThread().join();
    }

    @Override
    public void close() {
        web.close();
        loops.close();
    }
}
