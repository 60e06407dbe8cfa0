package dev.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The per-source token bucket on a hand-driven clock: burst, rate, /64 for IPv6, a bounded table. */
class PerSourceRateTest {
    static final long SECOND = 1_000_000_000L;

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void aSourceGetsItsBurstThenTheRate() throws Exception {
        PerSourceRate r = new PerSourceRate(2, 5, 100);
        long t = 1_000 * SECOND;
        int taken = 0;
        for (int i = 0; i < 50; i++) {
            taken += r.take(ip("192.0.2.1"), t) ? 1 : 0;
        }
        assertThat(taken).isEqualTo(5);
        assertThat(r.retryAfterSeconds(ip("192.0.2.1"), t)).isEqualTo(1);
        assertThat(r.take(ip("192.0.2.1"), t + SECOND / 2)).isTrue();
        assertThat(r.take(ip("192.0.2.1"), t + SECOND / 2)).isFalse();
        assertThat(r.take(ip("192.0.2.2"), t)).as("another address has its own bucket").isTrue();
        int later = 0;
        for (int i = 0; i < 50; i++) {
            later += r.take(ip("192.0.2.1"), t + 10 * SECOND) ? 1 : 0;
        }
        assertThat(later).as("refilled to the burst, not past it").isEqualTo(5);
    }

    @Test
    void ipv6SourcesAreCountedPerSlash64() throws Exception {
        PerSourceRate r = new PerSourceRate(1, 2, 100);
        assertThat(r.take(ip("2001:db8:1:2::1"), 0)).isTrue();
        assertThat(r.take(ip("2001:db8:1:2:ffff::9"), 0)).isTrue();
        assertThat(r.take(ip("2001:db8:1:2:abcd::7"), 0)).as("same /64").isFalse();
        assertThat(r.take(ip("2001:db8:1:3::1"), 0)).as("another /64").isTrue();
    }

    @Test
    void pastTheTableNewSourcesShareOneBucketAndRefilledOnesAreSwept() throws Exception {
        PerSourceRate r = new PerSourceRate(1, 1, 3);
        for (int i = 1; i <= 3; i++) {
            assertThat(r.take(ip("198.51.100." + i), 0)).isTrue();
        }
        assertThat(r.sources()).isEqualTo(3);
        assertThat(r.take(ip("198.51.100.4"), 0)).as("overflow bucket, first token").isTrue();
        assertThat(r.take(ip("198.51.100.5"), 0)).as("overflow bucket spent").isFalse();
        assertThat(r.sources()).isEqualTo(3);
        assertThat(r.take(ip("198.51.100.6"), 5 * SECOND)).isTrue();
        assertThat(r.sources()).as("the refilled buckets were dropped").isEqualTo(1);
    }
}
