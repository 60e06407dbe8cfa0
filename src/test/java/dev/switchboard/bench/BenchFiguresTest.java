package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The arithmetic the benchmark's figures rest on: /proc CPU fields and round-trip percentiles. */
@Tag("external")
class BenchFiguresTest {

    @Test
    void procStatCpuIsReadAfterTheLastParenthesisWhateverTheCommandName() {
        String line = "4242 (java (bench) x) S 1 4242 4242 0 -1 4194304 1000 0 0 0 1234 567 0 0 20 0 30 0 99 0 0";
        ServerProcess.Cpu cpu = ServerProcess.parseStat(line);
        assertThat(cpu.user()).isEqualTo(1234);
        assertThat(cpu.system()).isEqualTo(567);
        assertThat(cpu.total()).isEqualTo(1801);
    }

    @Test
    void ownProcessCpuGrowsWhileItWorks() throws Exception {
        ServerProcess.Cpu before = ServerProcess.cpuOf(Path.of("/proc/self/stat"));
        long end = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        ServerProcess.Cpu after = ServerProcess.cpuOf(Path.of("/proc/self/stat"));
        assertThat(after.total()).as("ticks after 300 ms of spinning (%d)", x).isGreaterThan(before.total());
    }

    @Test
    void percentilesAreTheBucketUpperEdgesOfTheRankedSamples() {
        RttHistogram h = new RttHistogram();
        for (int i = 1; i <= 98; i++) {
            h.record(1_000_000L);          // 1 ms
        }
        h.record(4_995_000L);              // 4.995 ms
        h.record(250_000_000L);            // 250 ms, in the coarse range
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.percentileMicros(0.50)).isEqualTo(1_010);
        assertThat(h.percentileMicros(0.99)).isEqualTo(5_000);
        assertThat(h.percentileMicros(1.0)).isEqualTo(251_000);
    }

    @Test
    void drainingAnIntervalEmptiesTheHistogramAndAddsTheIntervalToTheTotal() {
        RttHistogram h = new RttHistogram();
        RttHistogram total = new RttHistogram();
        total.record(2_000_000L);
        h.record(1_000_000L);
        h.record(3_000_000L);
        RttHistogram interval = h.drainInto(total);
        assertThat(interval.count()).isEqualTo(2);
        assertThat(interval.percentileMicros(1.0)).isEqualTo(3_010);
        assertThat(h.count()).isZero();
        assertThat(total.count()).isEqualTo(3);
        assertThat(total.percentileMicros(0.50)).isEqualTo(2_010);
        h.record(5_000_000L);
        total.add(h);
        assertThat(total.count()).isEqualTo(4);
        assertThat(h.count()).as("add leaves its argument as it was").isEqualTo(1);
    }

    @Test
    void emptyHistogramHasNoPercentile() {
        assertThat(new RttHistogram().percentileMicros(0.99)).isEqualTo(-1);
    }
}
