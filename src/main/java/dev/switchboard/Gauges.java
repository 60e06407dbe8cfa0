package dev.switchboard;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The capability figures exported at /metrics; none carries a per-user or per-room label. */
final class Gauges {
    private Gauges() {}

    static void register(MeterRegistry r, Switchboard sb) {
        Gauge.builder("switchboard.signaling.sessions", sb, s -> s.engine().sessionCount())
                .description("Open Engine.IO sessions").register(r);
        Gauge.builder("switchboard.signaling.rooms", sb, s -> s.signaling().roomCount())
                .description("Rooms with at least one peer").register(r);
        FunctionCounter.builder("switchboard.signaling.messages.relayed", sb, s -> s.signaling().relayedCount())
                .description("Client messages relayed to peers").register(r);
        if (sb.turnListener() != null) {
            Gauge.builder("switchboard.turn.allocations", sb, s -> s.turnListener().server().allocationCount())
                    .description("Active TURN allocations").register(r);
        }
        if (sb.media() != null) {
            Gauge.builder("switchboard.media.items", sb, s -> s.media().count())
                    .description("Stored photos and recordings").register(r);
        }
    }
}
