package dev.switchboard.signaling.socketio;

/**
 * A JSON syntax check (RFC 8259, sections 2–7) that builds nothing: it only says whether a text is one
 * well-formed JSON value and where values end. Used on the relay path, where a packet is checked and
 * then forwarded as the text it arrived as, so the tree the rest of the code works on is never built.
 *
 * <p>It accepts exactly what the tree parser ({@link SioCodec#JSON}) accepts: no comments, no trailing
 * commas, no leading zeros, no unescaped control characters in strings, nesting at most
 * {@link #MAX_DEPTH} deep, numbers at most {@link #MAX_NUMBER_LENGTH} characters long.
 */
final class JsonSyntax {
    static final int MAX_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 1000;

    private JsonSyntax() {}

    /** Checks that {@code s} from {@code from} to its end is one JSON value with optional whitespace. */
    static void document(String s, int from) throws SioProtocolException {
        int end = skipSpace(s, value(s, skipSpace(s, from), 0));
        if (end != s.length()) {
            throw invalid();
        }
    }

    /** The index just after the value starting at {@code i} (no leading whitespace). */
    static int value(String s, int i, int depth) throws SioProtocolException {
        if (i >= s.length()) {
            throw invalid();
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(s, i, depth + 1);
            case '[' -> array(s, i, depth + 1);
            case '"' -> string(s, i);
            case 't' -> literal(s, i, "true");
            case 'f' -> literal(s, i, "false");
            case 'n' -> literal(s, i, "null");
            default -> number(s, i);
        };
    }

    private static int object(String s, int i, int depth) throws SioProtocolException {
        checkDepth(depth);
        i = skipSpace(s, i + 1);
        if (at(s, i) == '}') {
            return i + 1;
        }
        while (true) {
            if (at(s, i) != '"') {
                throw invalid();
            }
            i = skipSpace(s, string(s, i));
            if (at(s, i) != ':') {
                throw invalid();
            }
            i = skipSpace(s, value(s, skipSpace(s, i + 1), depth));
            char c = at(s, i);
            if (c == '}') {
                return i + 1;
            }
            if (c != ',') {
                throw invalid();
            }
            i = skipSpace(s, i + 1);
        }
    }

    private static int array(String s, int i, int depth) throws SioProtocolException {
        checkDepth(depth);
        i = skipSpace(s, i + 1);
        if (at(s, i) == ']') {
            return i + 1;
        }
        while (true) {
            i = skipSpace(s, value(s, i, depth));
            char c = at(s, i);
            if (c == ']') {
                return i + 1;
            }
            if (c != ',') {
                throw invalid();
            }
            i = skipSpace(s, i + 1);
        }
    }

    /** The index just after the string starting with the quote at {@code i}. */
    static int string(String s, int i) throws SioProtocolException {
        int n = s.length();
        i++;
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '"') {
                return i;
            }
            if (c < 0x20) {
                throw invalid();
            }
            if (c == '\\') {
                char e = at(s, i++);
                switch (e) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                    case 'u' -> {
                        for (int k = 0; k < 4; k++) {
                            if (!isHex(at(s, i++))) {
                                throw invalid();
                            }
                        }
                    }
                    default -> throw invalid();
                }
            }
        }
        throw invalid();
    }

    private static int number(String s, int i) throws SioProtocolException {
        int start = i;
        if (at(s, i) == '-') {
            i++;
        }
        char c = at(s, i);
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            i = digits(s, i);
        } else {
            throw invalid();
        }
        if (at(s, i) == '.') {
            int after = digits(s, i + 1);
            if (after == i + 1) {
                throw invalid();
            }
            i = after;
        }
        c = at(s, i);
        if (c == 'e' || c == 'E') {
            i++;
            c = at(s, i);
            if (c == '+' || c == '-') {
                i++;
            }
            int after = digits(s, i);
            if (after == i) {
                throw invalid();
            }
            i = after;
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw invalid();
        }
        return i;
    }

    private static int digits(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static int literal(String s, int i, String word) throws SioProtocolException {
        if (!s.startsWith(word, i)) {
            throw invalid();
        }
        return i + word.length();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static int skipSpace(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static void checkDepth(int depth) throws SioProtocolException {
        if (depth > MAX_DEPTH) {
            throw new SioProtocolException("JSON nested too deep");
        }
    }

    private static SioProtocolException invalid() {
        return new SioProtocolException("invalid JSON payload");
    }
}
