package dev.switchboard.net.demux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortPlanTest {

    @Test
    void distinctPortsShareNothing() {
        PortPlan plan = new PortPlan(8080, 8443, 3478, 5349);
        assertThat(plan.sharedPorts()).isEmpty();
        assertThat(plan.shared(8080)).isFalse();
    }

    @Test
    void oneNumberForAllIsOneSharedPort() {
        PortPlan plan = new PortPlan(443, 443, 443, 443);
        assertThat(plan.sharedPorts()).containsExactly(443);
    }

    @Test
    void pairsAreSharedSeparatelyAndOffIsNeverShared() {
        PortPlan plan = new PortPlan(80, 443, 80, 443);
        assertThat(plan.sharedPorts()).containsExactly(80, 443);
        PortPlan off = new PortPlan(0, 0, 3478, 0);
        assertThat(off.sharedPorts()).isEmpty();
        assertThat(off.shared(0)).isFalse();
    }
}
