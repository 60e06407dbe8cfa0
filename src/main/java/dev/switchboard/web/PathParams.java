package dev.switchboard.web;

import java.util.Map;

/** The values a request path gave a route's {@link PathTemplate} parameters, by name. */
public record PathParams(Map<String, String> values) {
    public static final PathParams NONE = new PathParams(Map.of());

    public PathParams {
        values = Map.copyOf(values);
    }

    /** The value of parameter {@code name}; the template must declare it. */
    public String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no path parameter " + name);
        }
        return v;
    }
}
