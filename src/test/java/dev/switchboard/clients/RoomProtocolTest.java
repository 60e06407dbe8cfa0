package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.TestServer;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The room protocols through the official Java client against a real server: the codelab events
 * (and the codelab server's bugs fixed) and the mesh protocol.
 */
class RoomProtocolTest {
    static final String[] CODELAB = {"created", "joined", "join", "ready", "full", "message", "bye", "error"};
    static final String[] MESH = {"signal", "peer-joined", "peer-left", "error"};
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("signaling.room-capacity", 3));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JavaSioClient codelab() {
        return JavaSioClient.connect(server.url(), CODELAB);
    }

    static JavaSioClient mesh() {
        return JavaSioClient.connect(server.url(), new String[] {"websocket"}, null, MESH);
    }

    @Test
    void codelabTwoPeersCreatedJoinedReadyOnceThenRoomOnlyMessages() throws Exception {
        try (JavaSioClient a = codelab(); JavaSioClient b = codelab(); JavaSioClient other = codelab()) {
            a.socket.emit("create or join", "lab-1");
            JavaSioClient.Event created = a.next("created");
            assertThat(created.args()).containsExactly("lab-1", a.id());

            other.socket.emit("create or join", "lab-2");
            other.next("created");

            b.socket.emit("create or join", "lab-1");
            assertThat(b.next("joined").args()).containsExactly("lab-1", b.id());
            assertThat(b.next("ready").args()).containsExactly("lab-1");
            assertThat(a.next("join").args()).containsExactly("lab-1");
            assertThat(a.next("ready").args()).containsExactly("lab-1");

            a.socket.emit("message", new JSONObject(Map.of("type", "offer", "sdp", "v=0")));
            JavaSioClient.Event m = b.next("message");
            assertThat(((JSONObject) m.arg(0)).getString("type")).isEqualTo("offer");

            // the other room's peer sends a marker; when it arrives nothing from lab-1 came before it
            b.socket.emit("create or join", "lab-2");
            b.next("joined");
            b.next("ready");
            other.next("join");
            other.next("ready");
            a.socket.emit("message", "only-for-lab-1");
            assertThat(b.next("message").args()).containsExactly("only-for-lab-1");
            b.socket.emit("message", "marker");
            JavaSioClient.Event first = other.next();
            assertThat(first.name()).isEqualTo("message");
            assertThat(first.args()).as("a relay to another room never arrives").containsExactly("marker");

            assertThat(a.next("message").args()).as("b is in both rooms: its message reaches both")
                    .containsExactly("marker");
            assertThat(a.poll(300)).as("ready is sent once, senders do not hear themselves").isNull();
        }
    }

    @Test
    void codelabThirdPeerIsToldTheRoomIsFull() throws Exception {
        try (JavaSioClient a = codelab(); JavaSioClient b = codelab(); JavaSioClient c = codelab()) {
            a.socket.emit("create or join", "lab-full");
            a.next("created");
            b.socket.emit("create or join", "lab-full");
            b.next("joined");
            b.next("ready");
            c.socket.emit("create or join", "lab-full");
            assertThat(c.next("full").args()).containsExactly("lab-full");
            a.socket.emit("message", "hello");
            assertThat(b.next("message").args()).containsExactly("hello");
            assertThat(c.poll(300)).as("the refused peer hears nothing of the room").isNull();
        }
    }

    @Test
    void codelabByeAndDisconnectTellTheRemainingPeer() throws Exception {
        try (JavaSioClient a = codelab(); JavaSioClient b = codelab()) {
            a.socket.emit("create or join", "lab-bye");
            a.next("created");
            b.socket.emit("create or join", "lab-bye");
            b.next("joined");
            b.next("ready");
            a.next("join");
            a.next("ready");
            String bId = b.id();
            b.close();
            assertThat(a.next("bye").args()).containsExactly("lab-bye", bId);
            assertThat(a.next("message").args()).containsExactly("bye");
        }
    }

    @Test
    void codelabBadRoomNameIsRefusedWithAClearError() throws Exception {
        try (JavaSioClient a = codelab()) {
            a.socket.emit("create or join", "no spaces/or slashes");
            JSONObject err = (JSONObject) a.next("error").arg(0);
            assertThat(err.getString("code")).isEqualTo("bad_room_name");
            assertThat(err.getString("event")).isEqualTo("create or join");
            a.socket.emit("message", "nobody");
            assertThat(((JSONObject) a.next("error").arg(0)).getString("code")).isEqualTo("not_in_room");
        }
    }

    @Test
    void meshJoinListsPeersAndSignalsReachOneOrAll() throws Exception {
        try (JavaSioClient a = mesh(); JavaSioClient b = mesh(); JavaSioClient c = mesh()) {
            JSONObject ja = (JSONObject) a.call("join", new JSONObject(Map.of("room", "mesh-1", "name", "Ada")))[0];
            assertThat(ja.getBoolean("ok")).isTrue();
            assertThat(ja.getString("id")).isEqualTo(a.id());
            assertThat(ja.getJSONArray("peers").length()).isZero();

            JSONObject jb = (JSONObject) b.call("join", new JSONObject(Map.of("room", "mesh-1", "name", "Bob")))[0];
            assertThat(jb.getJSONArray("peers").getJSONObject(0).getString("name")).isEqualTo("Ada");
            JSONObject joined = (JSONObject) a.next("peer-joined").arg(0);
            assertThat(joined.getString("id")).isEqualTo(b.id());
            assertThat(joined.getString("name")).isEqualTo("Bob");

            c.call("join", new JSONObject(Map.of("room", "mesh-1", "name", "Cy")));
            a.next("peer-joined");
            b.next("peer-joined");

            JSONObject ack = (JSONObject) a.call("signal", new JSONObject(Map.of("room", "mesh-1", "to", b.id(),
                    "data", Map.of("type", "offer"))))[0];
            assertThat(ack.getBoolean("ok")).isTrue();
            JSONObject sig = (JSONObject) b.next("signal").arg(0);
            assertThat(sig.getString("from")).isEqualTo(a.id());
            assertThat(sig.getJSONObject("data").getString("type")).isEqualTo("offer");

            a.call("signal", new JSONObject(Map.of("room", "mesh-1", "data", "to-all")));
            assertThat(((JSONObject) b.next("signal").arg(0)).getString("data")).isEqualTo("to-all");
            assertThat(((JSONObject) c.next("signal").arg(0)).getString("data")).as("c got only the room message")
                    .isEqualTo("to-all");

            JSONObject bad = (JSONObject) a.call("signal", new JSONObject(Map.of("room", "mesh-1", "to", "nobody", "data", 1)))[0];
            assertThat(bad.getBoolean("ok")).isFalse();
            assertThat(bad.getJSONObject("error").getString("code")).isEqualTo("no_such_peer");
            assertThat(((JSONObject) a.next("error").arg(0)).getString("code")).isEqualTo("no_such_peer");

            c.call("leave", new JSONObject(Map.of("room", "mesh-1")));
            JSONObject left = (JSONObject) a.next("peer-left").arg(0);
            assertThat(left.getString("id")).isEqualTo(c.id());
            assertThat(left.getString("reason")).isEqualTo("left");
            b.next("peer-left");

            String bId = b.id();
            b.close();
            JSONObject gone = (JSONObject) a.next("peer-left").arg(0);
            assertThat(gone.getString("id")).isEqualTo(bId);
            assertThat(gone.getString("reason")).isEqualTo("disconnected");
        }
    }

    @Test
    void meshRoomPastCapacityIsRefused() throws Exception {
        try (JavaSioClient a = mesh(); JavaSioClient b = mesh(); JavaSioClient c = mesh(); JavaSioClient d = mesh()) {
            for (JavaSioClient x : new JavaSioClient[] {a, b, c}) {
                assertThat(((JSONObject) x.call("join", new JSONObject(Map.of("room", "cap")))[0]).getBoolean("ok")).isTrue();
            }
            JSONObject refused = (JSONObject) d.call("join", new JSONObject(Map.of("room", "cap")))[0];
            assertThat(refused.getBoolean("ok")).isFalse();
            assertThat(refused.getJSONObject("error").getString("code")).isEqualTo("room_full");
        }
    }

    @Test
    void meshRefusalsForBadRequests() throws Exception {
        try (JavaSioClient a = mesh()) {
            for (String room : new String[] {"", "x".repeat(65), "bad name", "../etc"}) {
                JSONObject r = (JSONObject) a.call("join", new JSONObject(Map.of("room", room)))[0];
                assertThat(r.getJSONObject("error").getString("code")).as(room).isEqualTo("bad_room_name");
            }
            JSONObject notIn = (JSONObject) a.call("signal", new JSONObject(Map.of("room", "elsewhere", "data", 1)))[0];
            assertThat(notIn.getJSONObject("error").getString("code")).isEqualTo("not_in_room");
            JSONObject malformed = (JSONObject) a.call("signal", "just a string")[0];
            assertThat(malformed.getJSONObject("error").getString("code")).isEqualTo("bad_request");
        }
    }
}
