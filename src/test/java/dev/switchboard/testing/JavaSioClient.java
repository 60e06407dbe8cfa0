package dev.switchboard.testing;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The official Java Socket.IO client (io.socket 2.1.2) with every received event recorded in order,
 * so tests can wait for "the next event" and assert that none other arrived. Events are recorded
 * without the server's recovery offset.
 */
public final class JavaSioClient implements AutoCloseable {
    /** One received event: its name and arguments. */
    public record Event(String name, Object[] args) {
        public Object arg(int i) {
            return args[i];
        }

        @Override
        public String toString() {
            return name + Arrays.toString(args);
        }
    }

    public final Socket socket;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Object> connectError = new CompletableFuture<>();

    private JavaSioClient(String url, String[] transports, Map<String, String> auth, String... recorded) {
        IO.Options opts = IO.Options.builder()
                .setTransports(transports)
                .setReconnection(false)
                .setForceNew(true)
                .setAuth(auth)
                .setTimeout(5000)
                .build();
        socket = IO.socket(URI.create(url), opts);
        socket.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> connectError.complete(a.length > 0 ? a[0] : null));
        for (String name : recorded) {
            socket.on(name, a -> events.add(new Event(name, withoutOffset(a))));
        }
    }

    /**
     * The arguments without the offset a server with connection state recovery appends to every event
     * (a client that does not recover ignores it; this one, 2.1.2, predates recovery).
     */
    static Object[] withoutOffset(Object[] args) {
        if (args.length > 0 && args[args.length - 1] instanceof String s && s.matches("[0-9a-z]+\\.[0-9a-z]+")) {
            return Arrays.copyOf(args, args.length - 1);
        }
        return args;
    }

    /** Connects and waits for the namespace CONNECT; records the named events. */
    public static JavaSioClient connect(String url, String[] transports, Map<String, String> auth, String... recorded) {
        JavaSioClient c = new JavaSioClient(url, transports, auth, recorded);
        c.socket.connect();
        try {
            CompletableFuture.anyOf(c.connected, c.connectError).get(10, TimeUnit.SECONDS);
            if (!c.connected.isDone()) {
                throw new IllegalStateException("connect_error: " + c.connectError.getNow(null));
            }
        } catch (Exception e) {
            c.close();
            throw new AssertionError("could not connect to " + url + ": " + c.connectError.getNow("no error"), e);
        }
        return c;
    }

    public static JavaSioClient connect(String url, String... recorded) {
        return connect(url, new String[] {"polling", "websocket"}, null, recorded);
    }

    /** Connects expecting a CONNECT_ERROR; returns its payload. */
    public static Object connectError(String url) throws Exception {
        JavaSioClient c = new JavaSioClient(url, new String[] {"websocket"}, null);
        try {
            c.socket.connect();
            return c.connectError.get(10, TimeUnit.SECONDS);
        } finally {
            c.close();
        }
    }

    public Event next() throws InterruptedException {
        Event e = events.poll(5, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 5 s");
        }
        return e;
    }

    /** The next event of that name, failing if another event comes first. */
    public Event next(String name) throws InterruptedException {
        Event e = next();
        if (!e.name().equals(name)) {
            throw new AssertionError("expected " + name + " but got " + e);
        }
        return e;
    }

    /** Null when nothing arrived within the wait. */
    public Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Emits and waits for the ack's arguments. */
    public Object[] call(String event, Object... args) throws Exception {
        CompletableFuture<Object[]> f = new CompletableFuture<>();
        Object[] withAck = Arrays.copyOf(args, args.length + 1);
        withAck[args.length] = (Ack) f::complete;
        socket.emit(event, withAck);
        return f.get(15, TimeUnit.SECONDS);
    }

    public String id() {
        return socket.id();
    }

    @Override
    public void close() {
        socket.off();
        socket.disconnect();
        socket.close();
    }
}
