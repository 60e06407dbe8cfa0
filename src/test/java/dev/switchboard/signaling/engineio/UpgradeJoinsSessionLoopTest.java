package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.net.EventLoops;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.web.Route;
import dev.switchboard.web.WebServer;
import io.netty.channel.Channel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session opened by long-polling lives on the loop of the poll that opened it; its WebSocket arrives
 * on whatever loop accepted that connection. After the upgrade the connection must sit on the session's
 * loop, so that frames and packets cross no thread.
 */
class UpgradeJoinsSessionLoopTest {
    private EventLoops loops;
    private EngineServer engine;
    private WebServer web;
    private int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        loops = new EventLoops(4);
        SignalingConfig cfg = ConfigLoader.load(null, Map.of(), Map.of()).signaling();
        engine = new EngineServer(cfg, "/socket.io/");
        SioServer sio = new SioServer(cfg);
        engine.listener(sio);
        sio.namespace("/").onConnected(socket -> socket.on("message", (s, args, ack) -> s.emit("message-back", args.get(0))));
        web = new WebServer(loops, List.of(Route.on("*", "/socket.io/{rest...}").collect(cfg.maxPayload(), engine)));
        port = web.start("127.0.0.1", 0).getPort();
    }

    @AfterEach
    void stop() {
        web.close();
        loops.close();
    }

    @Test
    void anUpgradedConnectionRunsOnItsSessionsLoop() throws Exception {
        List<RawWebSocket> sockets = new ArrayList<>();
        List<String> sids = new ArrayList<>();
        try {
            // Sixteen sessions over four loops: without the move about three in four connections would sit
            // on another loop than their session.
            for (int i = 0; i < 16; i++) {
                HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling")).build(),
                        HttpResponse.BodyHandlers.ofString());
                String sid = open.body().replaceAll("^0\\{\"sid\":\"([^\"]+)\".*$", "$1");
                RawWebSocket ws = RawWebSocket.connect("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket&sid=" + sid);
                sockets.add(ws);
                sids.add(sid);
                ws.send("2probe");
                assertThat(ws.nextText()).isEqualTo("3probe");
                ws.send("5");
                ws.send("40");
                assertThat(ws.nextText()).startsWith("40{\"sid\":");
                ws.send("42[\"message\",\"hello " + i + "\"]");
                assertThat((String) ws.next(true)).startsWith("42[\"message-back\",\"hello " + i + "\"");
            }
            for (EngineSocket s : engine.sessions()) {
                Channel ch = CompletableFuture.supplyAsync(s::webSocket, s.loop()).get();
                assertThat(ch).as("session %s upgraded", s.id()).isNotNull();
                assertThat(ch.eventLoop()).as("loop of session %s's WebSocket", s.id()).isSameAs(s.loop().current());
            }
            assertThat(engine.sessions()).extracting(EngineSocket::id).containsExactlyInAnyOrderElementsOf(sids);
        } finally {
            for (RawWebSocket ws : sockets) {
                ws.close();
            }
        }
    }
}
