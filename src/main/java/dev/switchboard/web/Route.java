package dev.switchboard.web;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * One declared route: the methods it answers (empty: any), a {@link PathTemplate}, the {@link Guard}
 * checked from the head, and exactly one handler: an {@link HttpHandler} given the whole body (up to
 * {@code maxBodyBytes}, 413 past it) or a {@link StreamingHandler} given the body as it comes.
 * Built as {@code Route.on("POST", "/api/rooms/{room}/photos").guard(member).stream(upload)}.
 */
public record Route(Set<HttpMethod> methods, PathTemplate template, Guard guard, HttpHandler handler,
                    StreamingHandler streaming, int maxBodyBytes) {

    public Route {
        methods = Collections.unmodifiableSet(new LinkedHashSet<>(methods));
        if (handler != null && streaming != null) {
            throw new IllegalArgumentException("a route has one handler: " + template);
        }
    }

    /**
     * A route for {@code methods} (names separated by spaces, e.g. {@code "GET HEAD"}, or {@code "*"} for
     * any method: the handler then answers other methods itself) on {@code template}; give it a handler
     * with {@link #collect} or {@link #stream}.
     */
    public static Route on(String methods, String template) {
        Set<HttpMethod> set = new LinkedHashSet<>();
        if (!methods.trim().equals("*")) {
            for (String m : methods.trim().split("\\s+")) {
                set.add(HttpMethod.valueOf(m.toUpperCase(Locale.ROOT)));
            }
        }
        return new Route(set, PathTemplate.parse(template), Guard.OPEN, null, null, 0);
    }

    /**
     * Any method under {@code template} (which ends in {@code {name...}}) that no more specific route
     * takes gets the router's 404: a namespace such as {@code /api/} that wider routes (the static app)
     * must not answer.
     */
    public static Route notFound(String template) {
        return on("*", template).stream(Router.NOT_FOUND);
    }

    public Route guard(Guard g) {
        return new Route(methods, template, g, handler, streaming, maxBodyBytes);
    }

    /** The handler is given the whole request, its body at most {@code maxBodyBytes} (413 past it). */
    public Route collect(int maxBodyBytes, HttpHandler h) {
        return new Route(methods, template, guard, h, null, maxBodyBytes);
    }

    /** The same with no body allowed ({@code GET}-like routes). */
    public Route collect(HttpHandler h) {
        return collect(0, h);
    }

    public Route stream(StreamingHandler h) {
        return new Route(methods, template, guard, null, h, 0);
    }

    boolean allows(HttpMethod m) {
        return methods.isEmpty() || methods.contains(m);
    }
}
