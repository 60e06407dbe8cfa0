package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The official Java Socket.IO 1.x client (io.socket:socket.io-client 1.0.2, Engine.IO v3 / Socket.IO
 * protocol v4), the one Android apps of the Socket.IO 2.x era ship. Its coordinates are those of the 2.x
 * client on the test classpath, so the build copies its two jars to target/legacy-socketio/ and they are
 * loaded here in a class loader of their own, which hides the 2.x {@code io.socket} classes and shares
 * everything else (okhttp 3.12.12 and org.json, the versions both clients use). It is driven by
 * reflection; payloads are the shared org.json types and byte arrays. Every received event is recorded
 * in order, as in {@link JavaSioClient}.
 */
public final class LegacySioClient implements AutoCloseable {
    private static final ClassLoader LOADER = loader();

    private final Object socket;
    private final LinkedBlockingQueue<JavaSioClient.Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Object> refused = new CompletableFuture<>();

    private LegacySioClient(String url, String[] transports, String query, String... recorded) {
        try {
            Class<?> optionsClass = LOADER.loadClass("io.socket.client.IO$Options");
            Object opts = optionsClass.getConstructor().newInstance();
            optionsClass.getField("transports").set(opts, transports);
            optionsClass.getField("forceNew").setBoolean(opts, true);
            optionsClass.getField("reconnection").setBoolean(opts, false);
            optionsClass.getField("timeout").setLong(opts, 5000);
            optionsClass.getField("query").set(opts, query);
            socket = LOADER.loadClass("io.socket.client.IO").getMethod("socket", String.class, optionsClass)
                    .invoke(null, url, opts);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the 1.x client", e);
        }
        on("connect", a -> connected.complete(null));
        // A refused namespace is "error" (protocol v4); a failed handshake is "connect_error".
        on("error", a -> refused.complete(a.length > 0 ? a[0] : null));
        on("connect_error", a -> refused.complete(a.length > 0 ? a[0] : "connect_error"));
        for (String name : recorded) {
            on(name, a -> events.add(new JavaSioClient.Event(name, a)));
        }
    }

    /** Connects and waits for the main namespace (or the URL's namespace); records the named events. */
    public static LegacySioClient connect(String url, String[] transports, String query, String... recorded) {
        LegacySioClient c = new LegacySioClient(url, transports, query, recorded);
        c.call("connect");
        try {
            CompletableFuture.anyOf(c.connected, c.refused).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            c.close();
            throw new AssertionError("could not connect to " + url, e);
        }
        if (!c.connected.isDone()) {
            c.close();
            throw new AssertionError("refused: " + c.refused.getNow(null));
        }
        return c;
    }

    /** Connects expecting a refusal; returns what the client reported ("error" or "connect_error"). */
    public static Object refusal(String url, String[] transports, String query) throws Exception {
        LegacySioClient c = new LegacySioClient(url, transports, query);
        try {
            c.call("connect");
            CompletableFuture.anyOf(c.connected, c.refused).get(10, TimeUnit.SECONDS);
            if (c.connected.isDone()) {
                throw new AssertionError("connected, but a refusal was expected");
            }
            return c.refused.get();
        } finally {
            c.close();
        }
    }

    public void emit(String event, Object... args) {
        call("emit", new Class<?>[] {String.class, Object[].class}, event, args);
    }

    /** Emits and waits for the ack's arguments. */
    public Object[] ask(String event, Object... args) throws Exception {
        CompletableFuture<Object[]> f = new CompletableFuture<>();
        Class<?> ackClass = load("io.socket.client.Ack");
        Object ack = proxy(ackClass, f::complete);
        call("emit", new Class<?>[] {String.class, Object[].class, ackClass}, event, args, ack);
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Answers an event that asked for an acknowledgement (its last argument is the client's Ack). */
    public static void acknowledge(JavaSioClient.Event e, Object... args) {
        Object ack = e.args()[e.args().length - 1];
        try {
            load("io.socket.client.Ack").getMethod("call", Object[].class).invoke(ack, (Object) args);
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("not an Ack: " + ack, ex);
        }
    }

    public JavaSioClient.Event next() throws InterruptedException {
        JavaSioClient.Event e = events.poll(5, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 5 s");
        }
        return e;
    }

    /** The next event of that name, failing if another event comes first. */
    public JavaSioClient.Event next(String name) throws InterruptedException {
        JavaSioClient.Event e = next();
        if (!e.name().equals(name)) {
            throw new AssertionError("expected " + name + " but got " + e);
        }
        return e;
    }

    /** Null when nothing arrived within the wait. */
    public JavaSioClient.Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    public String id() {
        return (String) call("id");
    }

    public boolean connected() {
        return (Boolean) call("connected");
    }

    @Override
    public void close() {
        call("off");
        call("close");
    }

    private void on(String event, Consumer<Object[]> listener) {
        Class<?> listenerClass = load("io.socket.emitter.Emitter$Listener");
        call("on", new Class<?>[] {String.class, listenerClass}, event, proxy(listenerClass, listener));
    }

    /** An implementation of a one-method callback interface of the 1.x client ({@code call(Object...)}). */
    private static Object proxy(Class<?> iface, Consumer<Object[]> body) {
        return Proxy.newProxyInstance(LOADER, new Class<?>[] {iface}, (self, m, a) -> switch (m.getName()) {
            case "call" -> {
                body.accept((Object[]) a[0]);
                yield null;
            }
            case "hashCode" -> System.identityHashCode(self);
            case "equals" -> self == a[0];
            default -> iface.getName() + "@proxy";
        });
    }

    private Object call(String method) {
        return call(method, new Class<?>[0]);
    }

    private Object call(String method, Class<?>[] types, Object... args) {
        try {
            Method m = socket.getClass().getMethod(method, types);
            return m.invoke(socket, args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(method + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(method, e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return LOADER.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClassLoader loader() {
        Path dir = Path.of(System.getProperty("project.basedir", "."), "target", "legacy-socketio");
        URL[] jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().map(p -> {
                try {
                    return p.toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }).toArray(URL[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("the 1.x client jars are copied by the build (mvn generate-test-resources)", e);
        }
        if (jars.length != 2) {
            throw new IllegalStateException("expected the socket.io-client and engine.io-client 1.0.2 jars in " + dir
                    + ", found " + Arrays.toString(jars));
        }
        return new URLClassLoader("legacy-socketio", jars, new HidingLoader(LegacySioClient.class.getClassLoader()));
    }

    /** Everything of the test class path except the 2.x client's {@code io.socket} packages. */
    private static final class HidingLoader extends ClassLoader {
        private final ClassLoader app;

        HidingLoader(ClassLoader app) {
            super("hide-io.socket", null);
            this.app = app;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.socket.")) {
                throw new ClassNotFoundException(name);
            }
            return app.loadClass(name);
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith("io/socket/") ? null : app.getResource(name);
        }
    }
}
