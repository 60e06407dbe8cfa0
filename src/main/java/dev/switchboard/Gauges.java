package dev.switchboard;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The capability figures exported at /metrics; none carries a per-user or per-room label. */
final class Gauges {
    private Gauges() {}

    private static void relay(MeterRegistry r, String what, String transport, String direction,
                              dev.switchboard.turn.RelayStats.Counters c,
                              java.util.function.ToDoubleFunction<dev.switchboard.turn.RelayStats.Counters> f) {
        FunctionCounter.builder("switchboard.turn.relayed." + what, c, f)
                .tag("transport", transport).tag("direction", direction)
                .description("TURN payload " + what + " relayed").register(r);
    }

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
            dev.switchboard.turn.RelayStats stats = sb.turnListener().server().stats();
            for (dev.switchboard.turn.FiveTuple.Protocol p : dev.switchboard.turn.FiveTuple.Protocol.values()) {
                dev.switchboard.turn.RelayStats.Counters c = stats.of(p);
                String transport = p.name().toLowerCase(java.util.Locale.ROOT);
                relay(r, "packets", transport, "to-peer", c, dev.switchboard.turn.RelayStats.Counters::toPeerPackets);
                relay(r, "bytes", transport, "to-peer", c, dev.switchboard.turn.RelayStats.Counters::toPeerBytes);
                relay(r, "packets", transport, "to-client", c, dev.switchboard.turn.RelayStats.Counters::toClientPackets);
                relay(r, "bytes", transport, "to-client", c, dev.switchboard.turn.RelayStats.Counters::toClientBytes);
            }
        }
        if (sb.media() != null) {
            Gauge.builder("switchboard.media.items", sb, s -> s.media().count())
                    .description("Stored photos and recordings").register(r);
            Gauge.builder("switchboard.media.reconciled.orphan.files", sb, s -> s.media().reconciledOrphanFiles())
                    .description("Content files without a row removed by the start-up reconciliation").register(r);
            Gauge.builder("switchboard.media.reconciled.rows.without.file", sb, s -> s.media().reconciledRowsWithoutFile())
                    .description("Rows whose content file was gone, removed by the start-up reconciliation").register(r);
            Gauge.builder("switchboard.media.storage.writable", sb, s -> s.media().health().writable() ? 1 : 0)
                    .description("1 while storage writes succeed, 0 while they fail (disk full, I/O, database)").register(r);
            Gauge.builder("switchboard.media.storage.free.bytes", sb, s -> s.media().health().freeBytes())
                    .description("Bytes free on the data dir's volume").register(r);
            for (dev.switchboard.media.StorageFailure f : dev.switchboard.media.StorageFailure.values()) {
                FunctionCounter.builder("switchboard.media.storage.failures", sb, s -> s.media().health().count(f))
                        .tag("kind", f.code()).description("Failed storage writes by kind").register(r);
            }
        }
    }
}
