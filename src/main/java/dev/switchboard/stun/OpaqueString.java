package dev.switchboard.stun;

import java.text.Normalizer;

/**
 * The PRECIS OpaqueString profile (RFC 8265 section 4.2), which STUN applies to usernames and passwords
 * before they enter the long-term credential key (RFC 8489 sections 9.2.2 and 14.3; it replaces the
 * SASLprep of RFC 5389 and RFC 4013). In order: non-ASCII spaces become U+0020, no width or case
 * mapping, Unicode normalization form C; then every code point must be valid in the FreeformClass
 * (RFC 8264 section 4.3), and the result must not be empty.
 * <p>
 * Where it differs from SASLprep: no NFKC (U+2168 stays a Roman numeral) and characters SASLprep maps
 * to nothing (U+00AD SOFT HYPHEN, zero-width joiners) are refused rather than dropped. Join controls
 * are refused in every context (the CONTEXTJ rule that allows them after a virama is not applied).
 * Unassigned code points are judged by the Unicode version of the running JDK.
 */
public final class OpaqueString {
    private OpaqueString() {}

    /** The prepared form of {@code s}, which is {@code s} itself for printable ASCII. */
    public static String prepare(String s) throws StringPrepException {
        if (s.isEmpty()) {
            throw new StringPrepException("empty");
        }
        if (printableAscii(s)) {
            return s;
        }
        StringBuilder mapped = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            mapped.appendCodePoint(cp != ' ' && Character.getType(cp) == Character.SPACE_SEPARATOR ? ' ' : cp);
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFC);
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            if (!freeform(cp)) {
                throw new StringPrepException(String.format("U+%04X is not allowed", cp));
            }
            i += Character.charCount(cp);
        }
        return normalized;
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code cp} is PVALID or FREE_PVAL in the FreeformClass (RFC 8264 section 8). */
    static boolean freeform(int cp) {
        if (cp >= 0x20 && cp <= 0x7E) {
            return true; // ASCII7 and SPACE
        }
        if (!Character.isDefined(cp) || noncharacter(cp) || defaultIgnorable(cp) || oldHangulJamo(cp)) {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.UNASSIGNED -> false;
            default -> true; // letters, marks, digits, other numbers, spaces, symbols, punctuation
        };
    }

    private static boolean noncharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    /**
     * Default_Ignorable_Code_Point (Unicode DerivedCoreProperties) outside the format characters, which
     * {@link #freeform} refuses as a whole: the grapheme joiner, fillers, variation selectors and tags.
     */
    private static boolean defaultIgnorable(int cp) {
        return cp == 0x034F || cp == 0x3164 || cp == 0xFFA0
                || (cp >= 0x115F && cp <= 0x1160) || (cp >= 0x17B4 && cp <= 0x17B5) || (cp >= 0x180B && cp <= 0x180F)
                || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }

    /** Conjoining jamo (Hangul_Syllable_Type L, V or T, RFC 8264 section 9.9). */
    private static boolean oldHangulJamo(int cp) {
        return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF);
    }
}
