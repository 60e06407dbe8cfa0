package dev.switchboard.media.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A streaming parser for {@code multipart/form-data} bodies (RFC 7578 on RFC 2046 section 5.1.1):
 * bytes in, in pieces of any size; out, to a {@link Sink}, each part's headers and then its content in
 * pieces, never a whole part in memory. Only the tail that may still hold a delimiter is kept between
 * pieces. Pure: no channels, clocks or threads. Anything malformed (no opening delimiter, a header
 * block too long or without Content-Disposition, a body that ends before the closing delimiter, a
 * {@code filename*} that cannot be read and has no {@code filename} beside it) raises
 * {@link MultipartException}.
 */
final class MultipartParser {
    /**
     * What a part's headers say: the form field's name, the file name (null for a plain field; never a
     * path or control characters, see {@link FileNames#safe}), the type.
     */
    record Part(String name, String filename, String contentType) {}

    /** Receives the parts in order. */
    interface Sink {
        void begin(Part part) throws MultipartException;

        /** Part content; {@code bytes} is only valid during the call. */
        void data(byte[] bytes, int offset, int length) throws MultipartException;

        void partEnd() throws MultipartException;
    }

    static final int MAX_HEADER_BYTES = 8192;
    static final int MAX_PREAMBLE_BYTES = 16384;
    private static final int MAX_PARTS = 1000;

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, DONE }

    private final byte[] delimiter;
    private final Sink sink;
    private byte[] buf = new byte[8192];
    private int len;
    private State state = State.PREAMBLE;
    private long preamble;
    private int headerBytes;
    private int parts;
    private String name;
    private String filename;
    private String contentType;

    MultipartParser(String boundary, Sink sink) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.sink = sink;
        // The opening delimiter may start the body, without the CRLF that precedes the others.
        buf[0] = '\r';
        buf[1] = '\n';
        len = 2;
    }

    /**
     * The boundary of a {@code multipart/form-data} Content-Type, or null when the header is another type
     * or its boundary is missing or not 1 to 70 characters of the RFC 2046 set (no trailing space).
     */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] params = contentType.split(";", -1); // ";" alone would give no element (found by fuzzing)
        if (!params[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String b = p.substring(eq + 1).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return validBoundary(b) ? b : null;
            }
        }
        return null;
    }

    private static boolean validBoundary(String b) {
        if (b.isEmpty() || b.length() > 70 || b.endsWith(" ")) {
            return false;
        }
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Takes the next piece of the body. */
    void feed(byte[] bytes, int offset, int length) throws MultipartException {
        if (state == State.DONE) {
            return; // the epilogue is ignored
        }
        if (len + length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + length));
        }
        System.arraycopy(bytes, offset, buf, len, length);
        len += length;
        int at = 0;
        while (true) {
            int used = step(at);
            if (used < 0) {
                break;
            }
            at = used;
        }
        if (at > 0) {
            System.arraycopy(buf, at, buf, 0, len - at);
            len -= at;
        }
        if (buf.length > 65536 && len < buf.length / 4) {
            buf = Arrays.copyOf(buf, Math.max(8192, len * 2));
        }
    }

    /** Bytes held between pieces (the buffer's size): bounded whatever the body, which the fuzz test checks. */
    int retained() {
        return buf.length;
    }

    /** The body ended: it must have ended with the closing delimiter. */
    void finish() throws MultipartException {
        if (state != State.DONE) {
            throw new MultipartException(state == State.PREAMBLE ? "no part starts with the boundary"
                    : "the body ends before the closing boundary");
        }
    }

    /** One step from {@code at}; returns where the next one starts, or -1 when more bytes are needed. */
    private int step(int at) throws MultipartException {
        switch (state) {
            case PREAMBLE -> {
                int i = indexOf(delimiter, at);
                if (i < 0) {
                    int keep = Math.max(at, len - delimiter.length + 1);
                    preamble += keep - at;
                    if (preamble > MAX_PREAMBLE_BYTES) {
                        throw new MultipartException("no part starts with the boundary");
                    }
                    return keep == at ? -1 : keep;
                }
                state = State.AFTER_DELIMITER;
                return i + delimiter.length;
            }
            case AFTER_DELIMITER -> {
                if (len - at < 2) {
                    return -1;
                }
                if (buf[at] == '-' && buf[at + 1] == '-') {
                    state = State.DONE;
                    return -1;
                }
                int i = at;
                while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
                    i++;
                }
                if (i - at > 64) {
                    throw new MultipartException("a boundary line is followed by junk");
                }
                if (len - i < 2) {
                    return -1;
                }
                if (buf[i] != '\r' || buf[i + 1] != '\n') {
                    throw new MultipartException("a boundary line is followed by junk");
                }
                if (++parts > MAX_PARTS) {
                    throw new MultipartException("more than " + MAX_PARTS + " parts");
                }
                state = State.HEADERS;
                headerBytes = 0;
                name = null;
                filename = null;
                contentType = null;
                return i + 2;
            }
            case HEADERS -> {
                int eol = indexOf(CRLF, at);
                if (eol < 0) {
                    if (headerBytes + len - at > MAX_HEADER_BYTES) {
                        throw new MultipartException("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
                    }
                    return -1;
                }
                headerBytes += eol - at + 2;
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new MultipartException("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
                }
                if (eol == at) {
                    if (name == null) {
                        throw new MultipartException("a part has no Content-Disposition: form-data with a name");
                    }
                    sink.begin(new Part(name, filename, contentType));
                    state = State.BODY;
                } else {
                    header(new String(buf, at, eol - at, StandardCharsets.UTF_8));
                }
                return eol + 2;
            }
            case BODY -> {
                int i = indexOf(delimiter, at);
                if (i >= 0) {
                    if (i > at) {
                        sink.data(buf, at, i - at);
                    }
                    sink.partEnd();
                    state = State.AFTER_DELIMITER;
                    return i + delimiter.length;
                }
                int safe = len - delimiter.length + 1;
                if (safe > at) {
                    sink.data(buf, at, safe - at);
                    return safe;
                }
                return -1;
            }
            default -> {
                return -1;
            }
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private void header(String line) throws MultipartException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new MultipartException("a part header is not \"Name: value\"");
        }
        String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        if (key.equals("content-type")) {
            contentType = value;
        } else if (key.equals("content-disposition")) {
            disposition(value);
        }
    }

    /**
     * {@code form-data; name="files"; filename="a.jpg"} (RFC 7578 section 4.2; quoted or plain values).
     * The file name is {@code filename*} when the part has one (RFC 6266 section 4.3, RFC 8187:
     * {@code UTF-8''} and percent-encoded bytes), preferred over {@code filename}. A malformed
     * {@code filename*} gives way to {@code filename}; with no {@code filename} to fall back on, the form
     * is refused (rather than the file taken for a text field and dropped). Either way the name is
     * made safe to keep ({@link FileNames#safe}).
     */
    private void disposition(String value) throws MultipartException {
        String plain = null;
        String ext = null;
        int i = value.indexOf(';');
        String type = (i < 0 ? value : value.substring(0, i)).trim();
        if (!type.equalsIgnoreCase("form-data")) {
            throw new MultipartException("a part's Content-Disposition is not form-data");
        }
        while (i >= 0 && i < value.length()) {
            int start = i + 1;
            int eq = value.indexOf('=', start);
            if (eq < 0) {
                break;
            }
            String key = value.substring(start, eq).trim().toLowerCase(Locale.ROOT);
            int p = eq + 1;
            while (p < value.length() && value.charAt(p) == ' ') {
                p++;
            }
            StringBuilder v = new StringBuilder();
            if (p < value.length() && value.charAt(p) == '"') {
                p++;
                boolean closed = false;
                while (p < value.length()) {
                    char c = value.charAt(p++);
                    if (c == '\\' && p < value.length()) {
                        v.append(value.charAt(p++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    throw new MultipartException("an unterminated quoted value in Content-Disposition");
                }
                int semi = value.indexOf(';', p);
                i = semi;
            } else {
                int semi = value.indexOf(';', p);
                v.append(value, p, semi < 0 ? value.length() : semi);
                i = semi;
            }
            if (key.equals("name")) {
                name = v.toString().trim();
            } else if (key.equals("filename")) {
                plain = v.toString();
            } else if (key.equals("filename*")) {
                ext = v.toString().trim();
            }
        }
        String decoded = ext == null ? null : FileNames.extValue(ext);
        if (decoded == null && ext != null && plain == null) {
            throw new MultipartException("a part's filename* is not UTF-8''percent-encoded (RFC 8187) "
                    + "and it has no filename= to fall back on");
        }
        String chosen = decoded != null ? decoded : plain;
        filename = chosen == null ? null : FileNames.safe(chosen);
    }

    private int indexOf(byte[] needle, int from) {
        int last = len - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
