package dev.switchboard.web;

/**
 * A path prefix (or exact path) and the handler that serves it. Exactly one of {@code handler} and
 * {@code streaming} is set; {@code maxBodyBytes} bounds the body an {@link HttpHandler} is given.
 */
public record Route(String path, boolean prefix, HttpHandler handler, StreamingHandler streaming, int maxBodyBytes) {

    public static Route exact(String path, HttpHandler handler, int maxBodyBytes) {
        return new Route(path, false, handler, null, maxBodyBytes);
    }

    public static Route prefix(String path, HttpHandler handler, int maxBodyBytes) {
        return new Route(path, true, handler, null, maxBodyBytes);
    }

    public static Route streaming(String pathPrefix, StreamingHandler handler) {
        return new Route(pathPrefix, true, null, handler, 0);
    }

    boolean matches(String requestPath) {
        return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
    }
}
