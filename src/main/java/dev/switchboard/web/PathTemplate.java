package dev.switchboard.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A path template such as {@code /api/rooms/{room}/photos}: literal segments, {@code {name}} segments
 * that match any one segment (empty included; the handler judges the value), and at the end at most one
 * {@code {name...}} that matches the rest of the path after a slash (possibly empty), slashes included. Pure: no Netty, no state.
 */
public final class PathTemplate {
    private final String text;
    private final List<String> segments; // literals as is; parameter names wrapped in braces
    private final String tail;           // the name of a trailing {name...}, or null
    private final int literals;

    private PathTemplate(String text, List<String> segments, String tail) {
        this.text = text;
        this.segments = segments;
        this.tail = tail;
        this.literals = (int) segments.stream().filter(s -> !isParam(s)).count();
    }

    public static PathTemplate parse(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a path template starts with '/': " + template);
        }
        String[] parts = template.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>();
        String tail = null;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("{") && p.endsWith("...}")) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("{name...} only ends a template: " + template);
                }
                tail = p.substring(1, p.length() - 4);
            } else if (p.startsWith("{") != p.endsWith("}") || (isParam(p) && p.length() < 3)) {
                throw new IllegalArgumentException("bad parameter segment '" + p + "' in " + template);
            } else {
                segments.add(p);
            }
        }
        return new PathTemplate(template, List.copyOf(segments), tail);
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /** The parameters when {@code path} (decoded, without the query) matches, else null. */
    public PathParams match(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (tail == null ? parts.length != segments.size() : parts.length <= segments.size()) {
            return null;
        }
        Map<String, String> values = null;
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (isParam(s)) {
                if (values == null) {
                    values = new LinkedHashMap<>();
                }
                values.put(s.substring(1, s.length() - 1), parts[i]);
            } else if (!s.equals(parts[i])) {
                return null;
            }
        }
        if (tail != null) {
            if (values == null) {
                values = new LinkedHashMap<>();
            }
            values.put(tail, String.join("/", Arrays.asList(parts).subList(segments.size(), parts.length)));
        }
        return values == null ? PathParams.NONE : new PathParams(values);
    }

    /**
     * How specific the template is, for choosing among templates that match one path: more literal
     * segments first, then a template without a {@code {name...}} tail before one with.
     */
    int specificity() {
        return literals * 2 + (tail == null ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
