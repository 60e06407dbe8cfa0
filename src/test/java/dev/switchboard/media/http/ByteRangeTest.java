package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void theThreeFormsOfASingleRangeSelectTheRightBytes() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=500-", 1000)).isEqualTo(new ByteRange(500, 999));
        assertThat(ByteRange.parse("bytes=-100", 1000)).isEqualTo(new ByteRange(900, 999));
        assertThat(ByteRange.parse("Bytes=10-10 ", 1000)).isEqualTo(new ByteRange(10, 10));
        assertThat(ByteRange.parse("bytes=0-99", 1000).length()).isEqualTo(100);
    }

    @Test
    void rangesPastTheEndAreClippedAndLongSuffixesTakeEverything() {
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).isEqualTo(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange(0, 999));
    }

    @Test
    void rangesThatSelectNothingAreUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=1000-", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=1001-", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=2000-3000", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-0", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
    }

    @Test
    void positionsTooLargeForAnyFileAreUnsatisfiable() {
        for (String h : new String[] {"bytes=0-9999999999999999999999", "bytes=99999999999999999999-",
                "bytes=-99999999999999999999", "bytes=9223372036854775808-", "bytes=0-00000000000000000000009223372036854775808"}) {
            assertThat(ByteRange.parse(h, 1000)).as(h).isSameAs(ByteRange.UNSATISFIABLE);
        }
        assertThat(ByteRange.parse("bytes=0-9223372036854775807", 1000)).isEqualTo(new ByteRange(0, 999));
        assertThat(ByteRange.parse("bytes=0-0000000000000000000001", 1000)).isEqualTo(new ByteRange(0, 1));
    }

    @Test
    void headersThisServerDoesNotActOnAreIgnored() {
        for (String h : new String[] {null, "", "items=0-1", "bytes=", "bytes=-", "bytes=5-1", "bytes=a-b",
                "bytes=0-1,5-6", "bytes = 0-1", "bytes=1", "bytes=+1-2"}) {
            assertThat(ByteRange.parse(h, 1000)).as(String.valueOf(h)).isNull();
        }
    }
}
