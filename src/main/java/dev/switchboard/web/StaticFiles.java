package dev.switchboard.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Serves the web app from the class path ({@code webapp/}), read once and kept in memory with an ETag.
 * Request paths are only ever looked up in that fixed set; they never reach the file system.
 * Routed for {@code GET} and {@code HEAD} only: the router answers other methods (405 with Allow).
 */
public final class StaticFiles implements HttpHandler {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    record Asset(byte[] bytes, String contentType, String etag) {}

    private final String root;
    private final Function<String, String> rewrite;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /**
     * @param root    class-path folder, e.g. "webapp"
     * @param rewrite maps a request path to an asset path (e.g. "/room/x" to "/room.html"), or null for 404
     */
    public StaticFiles(String root, Function<String, String> rewrite) {
        this.root = root;
        this.rewrite = rewrite;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        String requested = new QueryStringDecoder(req.uri()).path();
        String path = rewrite.apply(requested);
        Asset asset = path == null ? null : asset(path);
        HttpResponseStatus status = HttpResponseStatus.OK;
        if (asset == null && NotFoundPage.wanted(req, requested)) {
            path = NotFoundPage.PATH;
            asset = asset(path);
            status = HttpResponseStatus.NOT_FOUND;
        }
        if (asset == null) {
            HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not_found", "no such file");
            return;
        }
        if (status == HttpResponseStatus.OK && asset.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            FullHttpResponse res = HttpResponses.response(HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER, null);
            res.headers().set(HttpHeaderNames.ETAG, asset.etag());
            HttpResponses.send(ctx, req, res);
            return;
        }
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res = HttpResponses.response(status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes()), asset.contentType());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, asset.bytes().length);
        res.headers().set(HttpHeaderNames.ETAG, asset.etag());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (path.equals("/sw.js")) {
            res.headers().set("Service-Worker-Allowed", "/");
        }
        if (asset.contentType().startsWith("text/html")) {
            res.headers().set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
                    + "media-src 'self' blob: mediastream:; connect-src 'self' ws: wss:; object-src 'none'; "
                    + "base-uri 'none'; frame-ancestors 'none'");
            res.headers().set("Referrer-Policy", "no-referrer");
        }
        HttpResponses.send(ctx, req, res);
    }

    Asset asset(String path) {
        if (!path.matches("/[A-Za-z0-9_./-]*") || path.contains("..") || path.contains("//")) {
            return null;
        }
        Asset cached = cache.get(path);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + path)) {
            if (in == null || path.endsWith("/")) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            if (path.equals("/sw.js")) { // the service worker carries the shell list and its version
                byte[] list = read(ServiceWorkerScript.SHELL_LIST);
                bytes = ServiceWorkerScript.render(bytes, ServiceWorkerScript.shell(
                        list == null ? "" : new String(list, StandardCharsets.UTF_8), this::read));
            }
            String ext = path.substring(path.lastIndexOf('.') + 1);
            Asset asset = new Asset(bytes, TYPES.getOrDefault(ext, "application/octet-stream"), etag(bytes));
            cache.put(path, asset);
            return asset;
        } catch (IOException e) {
            return null;
        }
    }

    /** The raw bytes of a class-path file under the root, or null. */
    private byte[] read(String path) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
