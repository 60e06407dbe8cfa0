package dev.switchboard.web;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the route for a request: of the templates that match the path, the most specific (see
 * {@link PathTemplate#specificity()}; equal ones in list order) decides. A route of that template for
 * the method takes the request; when none allows the method the answer is 405 with {@code Allow}
 * listing those that do; when no template matches, 404. Immutable: one instance serves every
 * connection of every listener.
 */
public final class Router {
    /** The router's 404, for {@link Route#notFound} namespaces. */
    static final StreamingHandler NOT_FOUND = (ctx, req, params) -> Draining.answer(ctx, req,
            HttpResponses.errorResponse(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such resource: " + new QueryStringDecoder(req.uri()).path()));

    private final List<Route> routes;

    public Router(List<Route> routes) {
        for (Route r : routes) {
            if (r.handler() == null && r.streaming() == null) {
                throw new IllegalArgumentException("route without a handler: " + r.template());
            }
        }
        this.routes = List.copyOf(routes);
    }

    /** What a request gets: a route and its parameters, 405 with the allowed methods, or 404. */
    sealed interface Match {
        record Found(Route route, PathParams params) implements Match {}

        record NotAllowed(String allow) implements Match {}

        record NotFound() implements Match {}
    }

    Match match(HttpMethod method, String path) {
        int best = -1;
        List<Route> candidates = new ArrayList<>();
        List<PathParams> params = new ArrayList<>();
        PathTemplate chosen = null;
        for (Route r : routes) {
            int s = r.template().specificity();
            if (s < best || (s == best && !r.template().equals(chosen))) {
                continue;
            }
            PathParams p = r.template().match(path);
            if (p == null) {
                continue;
            }
            if (s > best) {
                best = s;
                chosen = r.template();
                candidates.clear();
                params.clear();
            }
            candidates.add(r);
            params.add(p);
        }
        if (candidates.isEmpty()) {
            return new Match.NotFound();
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).allows(method)) {
                return new Match.Found(candidates.get(i), params.get(i));
            }
        }
        Set<String> allow = new LinkedHashSet<>();
        for (Route r : candidates) {
            r.methods().forEach(m -> allow.add(m.name()));
        }
        return new Match.NotAllowed(String.join(", ", allow));
    }
}
