package dev.switchboard.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain WebSocket client (the JDK's) that records every message, for protocol tests that speak
 * Engine.IO / Socket.IO by hand. Text messages arrive as String, binary ones as byte[].
 */
public final class RawWebSocket implements AutoCloseable {
    private final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;

    private RawWebSocket(URI uri) throws Exception {
        Listener listener = new Listener();
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
    }

    public static RawWebSocket connect(String uri) throws Exception {
        return new RawWebSocket(URI.create(uri));
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    public void send(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next message, skipping Engine.IO pings ("2") when asked. */
    public Object next(boolean skipPings) throws InterruptedException {
        while (true) {
            Object m = messages.poll(5, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 5 s");
            }
            if (skipPings && "2".equals(m)) {
                continue;
            }
            return m;
        }
    }

    public String nextText() throws InterruptedException {
        Object m = next(true);
        if (!(m instanceof String s)) {
            throw new AssertionError("expected a text message, got binary");
        }
        return s;
    }

    /** True when the server closed the connection within the timeout. */
    public boolean awaitClose(Duration timeout) {
        try {
            closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private ByteBuffer binary = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            ByteBuffer merged = ByteBuffer.allocate(binary.remaining() + data.remaining());
            merged.put(binary).put(data).flip();
            binary = merged;
            if (last) {
                byte[] b = new byte[binary.remaining()];
                binary.get(b);
                messages.add(b);
                binary = ByteBuffer.allocate(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
