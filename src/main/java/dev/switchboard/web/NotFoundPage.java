package dev.switchboard.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Which unknown paths get the web app's HTML "page not found" ({@code /404.html}, status 404) instead of
 * the JSON error: a browser navigating (its {@code Accept} names {@code text/html}) to a path outside the
 * API. {@code /api/…} and Socket.IO paths always answer JSON, whatever they accept.
 */
final class NotFoundPage {
    static final String PATH = "/404.html";

    private NotFoundPage() {}

    static boolean wanted(HttpRequest req, String path) {
        String accept = req.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("text/html")
                && !path.startsWith("/api/") && !path.equals("/api") && !path.startsWith("/socket.io/");
    }
}
