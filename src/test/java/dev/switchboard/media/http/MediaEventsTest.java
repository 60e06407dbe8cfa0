package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** The room hears about its photos over Socket.IO, with a real Socket.IO client. */
class MediaEventsTest {

    @Test
    void mediaAddedAndRemovedReachAPeerInTheRoomAndNoOtherRoom() throws Exception {
        try (TestServer s = TestServer.start()) {
            BlockingQueue<JSONObject> inRoom = new LinkedBlockingQueue<>();
            BlockingQueue<JSONObject> removed = new LinkedBlockingQueue<>();
            BlockingQueue<JSONObject> elsewhere = new LinkedBlockingQueue<>();
            Socket member = join(s, "gallery", inRoom, removed);
            Socket outsider = join(s, "another", elsewhere, new LinkedBlockingQueue<>());
            try {
                Http http = new Http(s.url());
                byte[] photo = TestImages.jpeg(120, 90, 40);
                HttpResponse<byte[]> created = http.upload("gallery", "image/jpeg", photo, TestImages.sha256(photo));
                assertThat(created.statusCode()).isEqualTo(201);
                JsonNode body = Http.json(created);

                JSONObject event = inRoom.poll(10, TimeUnit.SECONDS);
                assertThat(event).as("media-added within 10 s").isNotNull();
                for (String key : new String[] {"id", "room", "contentType", "sha256", "createdAt", "url"}) {
                    assertThat(event.getString(key)).as(key).isEqualTo(body.get(key).asText());
                }
                assertThat(event.getLong("size")).isEqualTo(photo.length);

                assertThat(http.upload("gallery", "image/jpeg", photo, null).statusCode())
                        .as("the same bytes again").isEqualTo(200);
                http.send(http.request("/api/media/" + body.get("id").asText()).DELETE().build());
                JSONObject gone = removed.poll(10, TimeUnit.SECONDS);
                assertThat(gone).isNotNull();
                assertThat(gone.getString("id")).isEqualTo(body.get("id").asText());
                assertThat(inRoom).as("no second media-added for a duplicate").isEmpty();
                assertThat(elsewhere.poll(300, TimeUnit.MILLISECONDS)).as("other rooms hear nothing").isNull();
            } finally {
                member.close();
                outsider.close();
            }
        }
    }

    private static Socket join(TestServer s, String room, BlockingQueue<JSONObject> added,
                               BlockingQueue<JSONObject> removed) throws Exception {
        IO.Options o = new IO.Options();
        o.transports = new String[] {WebSocket.NAME};
        o.forceNew = true;
        o.reconnection = false;
        Socket socket = IO.socket(URI.create(s.url()), o);
        socket.on("media-added", args -> added.add((JSONObject) args[0]));
        socket.on("media-removed", args -> removed.add((JSONObject) args[0]));
        CompletableFuture<Object> joined = new CompletableFuture<>();
        JSONObject request = new JSONObject().put("room", room);
        socket.on(Socket.EVENT_CONNECT, args -> socket.emit("join", request,
                (Ack) ack -> joined.complete(ack[0])));
        socket.connect();
        JSONObject ack = (JSONObject) joined.get(10, TimeUnit.SECONDS);
        assertThat(ack.getBoolean("ok")).as(ack.toString()).isTrue();
        return socket;
    }
}
