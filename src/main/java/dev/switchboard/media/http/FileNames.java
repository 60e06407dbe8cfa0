package dev.switchboard.media.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names as a multipart part states them: the RFC 8187 extended value of {@code filename*}, and
 * the name made safe to keep (a last path segment without control characters).
 */
final class FileNames {
    /** What a name that is nothing but separators, dots or control characters becomes. */
    static final String FALLBACK = "file";

    private FileNames() {}

    /**
     * The text of an RFC 8187 {@code ext-value} in UTF-8 ({@code UTF-8'[language]'percent-encoded}), or
     * null when it is malformed: another charset, no two quotes, a character outside {@code attr-char}
     * and {@code %XX}, or bytes that are not UTF-8. The language tag is not used.
     */
    static String extValue(String value) {
        int q1 = value.indexOf('\'');
        int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
        if (q2 < 0 || !value.substring(0, q1).equalsIgnoreCase("UTF-8")) {
            return null;
        }
        for (int i = q1 + 1; i < q2; i++) {
            char c = value.charAt(i);
            if (!(isAlpha(c) || isDigit(c) || c == '-')) {
                return null;
            }
        }
        byte[] bytes = new byte[value.length() - q2 - 1];
        int n = 0;
        for (int i = q2 + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (isAttrChar(c)) {
                bytes[n++] = (byte) c;
            } else {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The name to keep for a file the client named {@code name}: only its last path segment (after the
     * last {@code /} or {@code \}, as old browsers sent whole paths), without control characters
     * (C0, DEL, C1) or the bidirectional overrides that can disguise an extension. An empty name stays
     * empty (a form's "no file chosen" entry); one that is left empty, {@code .} or {@code ..} becomes
     * {@link #FALLBACK}.
     */
    static String safe(String name) {
        if (name.isEmpty()) {
            return name;
        }
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        String last = name.substring(cut + 1);
        StringBuilder b = new StringBuilder(last.length());
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (!Character.isISOControl(c) && !isBidiControl(c)) {
                b.append(c);
            }
        }
        String s = b.toString();
        return s.isEmpty() || s.equals(".") || s.equals("..") ? FALLBACK : s;
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** RFC 8187 {@code attr-char}: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~". */
    private static boolean isAttrChar(char c) {
        return isAlpha(c) || isDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
