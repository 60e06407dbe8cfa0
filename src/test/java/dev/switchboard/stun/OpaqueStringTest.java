package dev.switchboard.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpaqueString preparation (RFC 8265 section 4.2) of STUN usernames and passwords, with the RFC 4013
 * section 3 examples where the two profiles agree, and the cases where OpaqueString decides differently.
 */
class OpaqueStringTest {

    static String prep(String s) throws StringPrepException {
        return OpaqueString.prepare(s);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "user | user",          // RFC 4013 example 2: no transformation
            "USER | USER",          // example 3: case preserved
            "pass word | pass word",
            "~!@#$%^&*()_+ | ~!@#$%^&*()_+"})
    void printableAsciiIsUnchanged(String in, String out) throws Exception {
        assertThat(prep(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u00A0", "\u1680", "\u2000", "\u2003", "\u200A", "\u202F", "\u205F", "\u3000"})
    void nonAsciiSpacesBecomeAsciiSpace(String space) throws Exception {
        assertThat(prep("a" + space + "b")).isEqualTo("a b");
    }

    @org.junit.jupiter.api.Test
    void theResultIsInNormalizationFormC() throws Exception {
        assertThat(prep("pa\u0308sswo\u0308rd")).isEqualTo("p\u00E4ssw\u00F6rd");
        assertThat(prep("\u212B")).isEqualTo("\u00C5"); // ANGSTROM SIGN has a canonical decomposition
        // no compatibility mapping, unlike SASLprep (RFC 4013 examples 4 and 5 give "a" and "IX")
        assertThat(prep("\u00AA")).isEqualTo("\u00AA");
        assertThat(prep("\u2168")).isEqualTo("\u2168");
        assertThat(prep("\uFF21")).isEqualTo("\uFF21"); // FULLWIDTH A: no width mapping
        assertThat(prep("\u1100\u1161")).isEqualTo("\uAC00"); // jamo composed into a syllable are fine
    }

    @org.junit.jupiter.api.Test
    void lettersFromOtherScriptsAndSymbolsAreAllowed() throws Exception {
        assertThat(prep("\u0434\u043E\u0441\u0442\u0443\u043F")).isEqualTo("\u0434\u043E\u0441\u0442\u0443\u043F");
        assertThat(prep("\u5BC6\u7801")).isEqualTo("\u5BC6\u7801");
        assertThat(prep("\uD83D\uDD11key")).isEqualTo("\uD83D\uDD11key"); // an emoji outside the BMP
        assertThat(prep("\u0627\u0031")).isEqualTo("\u0627\u0031"); // RFC 4013 example 7: no bidi rule here
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",                 // empty
            "\u0007",           // RFC 4013 example 6: a control character
            "a\u0000b", "tab\there", "del\u007F", "\u0085",
            "I\u00ADX",         // SOFT HYPHEN: SASLprep maps it to nothing (example 1), OpaqueString refuses it
            "a\u200Db", "a\u200Bb", "\uFEFF", "a\uFE0Fb", "\u034F",
            "\uE000", "\uDB80\uDC00", // private use, in the BMP and plane 15
            "\uFDD0", "\uFFFE", "\uD83F\uDFFF", // noncharacters
            "\uD800", "x\uDC00",  // unpaired surrogates
            "\u0378",           // unassigned
            "a\u2028b", "a\u2029b", // line and paragraph separators
            "\u1100", "\uA960",   // conjoining jamo that NFC does not compose into a syllable
            "\u0600"})          // a format character
    void disallowedCodePointsAreRefused(String in) {
        assertThatThrownBy(() -> prep(in)).isInstanceOf(StringPrepException.class);
    }
}
