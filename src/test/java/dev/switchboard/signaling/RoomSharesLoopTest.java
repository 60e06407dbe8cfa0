package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.cluster.LocalRooms;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.net.EventLoops;
import dev.switchboard.signaling.engineio.EngineServer;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.signaling.socketio.SioSocket;
import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.web.Route;
import dev.switchboard.web.WebServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A room's second member moves to the first one's event loop, so that their messages cross no thread;
 * what either sends while the move is under way arrives, in order. Eight rooms over four loops: without
 * the move, all eight pairs would share a loop one time in 65,536.
 */
class RoomSharesLoopTest {
    private static final String[] EVENTS = {"created", "joined", "join", "ready", "message", "error"};
    private static final int ROOMS = 8;
    private static final int BURST = 50;

    private EventLoops loops;
    private WebServer web;
    private String url;
    private final Map<String, SioSocket> sockets = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        loops = new EventLoops(4);
        SignalingConfig cfg = ConfigLoader.load(null, Map.of(), Map.of("signaling.messages-per-second", 100_000,
                "signaling.message-burst", 100_000)).signaling();
        EngineServer engine = new EngineServer(cfg, "/socket.io/");
        SioServer sio = new SioServer(cfg);
        engine.listener(sio);
        new Signaling(cfg, new LocalRooms()).install(sio);
        sio.namespace("/").onConnected(s -> sockets.put(s.id(), s));
        web = new WebServer(loops, List.of(Route.on("*", "/socket.io/{rest...}").collect(cfg.maxPayload(), engine)));
        url = "http://127.0.0.1:" + web.start("127.0.0.1", 0).getPort();
    }

    @AfterEach
    void stop() {
        web.close();
        loops.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"websocket", "polling,websocket"})
    void theJoinerMovesToTheRoomsLoopAndNothingSentMeanwhileIsLostOrReordered(String transports) throws Exception {
        List<JavaSioClient> clients = new ArrayList<>();
        try {
            for (int r = 0; r < ROOMS; r++) {
                String room = "lab-" + r;
                JavaSioClient a = connect(transports, clients);
                a.socket.emit("create or join", room);
                a.next("created");
                JavaSioClient b = connect(transports, clients);
                // The joiner sends right behind its join: these arrive while its session moves.
                b.socket.emit("create or join", room);
                for (int i = 0; i < BURST; i++) {
                    b.socket.emit("message", "b" + i);
                }
                b.next("joined");
                b.next("ready");
                a.next("join");
                a.next("ready");
                for (int i = 0; i < BURST; i++) {
                    a.socket.emit("message", "a" + i);
                }
                for (int i = 0; i < BURST; i++) {
                    assertThat(a.next("message").arg(0)).as("room %s, a's message %d", room, i).isEqualTo("b" + i);
                    assertThat(b.next("message").arg(0)).as("room %s, b's message %d", room, i).isEqualTo("a" + i);
                }
                SioSocket sa = sockets.get(a.id());
                SioSocket sb = sockets.get(b.id());
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(sb.loop().current())
                        .as("loop of %s's joiner", room).isSameAs(sa.loop().current()));
            }
        } finally {
            clients.forEach(JavaSioClient::close);
        }
    }

    private JavaSioClient connect(String transports, List<JavaSioClient> clients) {
        JavaSioClient c = JavaSioClient.connect(url, transports.split(","), null, EVENTS);
        clients.add(c);
        return c;
    }
}
