package dev.switchboard.media.http;

/**
 * One byte range of a representation of known length, from a {@code Range} header (RFC 9110 section
 * 14.1.2 and 14.2): {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix}. Pure.
 * A header this server does not act on (another unit, bad syntax, several ranges) gives null, and the
 * whole representation is served, as section 14.2 allows; a well-formed range that selects nothing
 * gives {@link #UNSATISFIABLE} (416), and so does a position too large for any file (more than
 * 2^63 - 1, e.g. {@code bytes=0-9999999999999999999999}): no client asks for that in good faith, and
 * answering it with the whole file would hide the mistake.
 */
record ByteRange(long first, long last) {
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return last - first + 1;
    }

    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (overflows(a) || overflows(b)) {
            return UNSATISFIABLE;
        }
        try {
            if (a.isEmpty()) {
                if (!digits(b)) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            if (!digits(a) || !(b.isEmpty() || digits(b))) {
                return null;
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (last < first) {
                return null; // invalid syntax per section 14.1.1: ignored
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException tooLong) {
            return null;
        }
    }

    /** True for a run of digits whose value does not fit in a long. */
    private static boolean overflows(String s) {
        if (s.length() < 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        String v = s.replaceFirst("^0+(?=.)", "");
        return v.length() > 19 || (v.length() == 19 && v.compareTo(Long.toString(Long.MAX_VALUE)) > 0);
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
