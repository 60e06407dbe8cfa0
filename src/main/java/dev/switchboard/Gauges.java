package dev.switchboard;

import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageFailure;
import dev.switchboard.signaling.Signaling;
import dev.switchboard.signaling.engineio.EngineServer;
import dev.switchboard.signaling.socketio.RecoveryStore;
import dev.switchboard.turn.FiveTuple;
import dev.switchboard.turn.RelayStats;
import dev.switchboard.turn.TurnServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The capability figures exported at /metrics, read from the objects that own them (handed over at
 * start-up); none carries a per-user or per-room label.
 */
final class Gauges {
    private Gauges() {}

    /** {@code turn} null: TURN is disabled; {@code media} null: no media store. */
    static void register(MeterRegistry r, EngineServer engine, Signaling signaling, RecoveryStore recovery, TurnServer turn,
            MediaStore media) {
        Gauge.builder("switchboard.signaling.sessions", engine, EngineServer::sessionCount)
                .description("Open Engine.IO sessions").register(r);
        if (recovery != null) {
            Gauge.builder("switchboard.signaling.parked.sessions", recovery, RecoveryStore::size)
                    .description("Socket.IO sessions whose connection dropped, waiting for their client (connection state recovery)")
                    .register(r);
        }
        Gauge.builder("switchboard.signaling.rooms", signaling, Signaling::roomCount)
                .description("Rooms with at least one peer").register(r);
        FunctionCounter.builder("switchboard.signaling.messages.relayed", signaling, Signaling::relayedCount)
                .description("Client messages relayed to peers").register(r);
        if (turn != null) {
            turn(r, turn);
        }
        if (media != null) {
            media(r, media);
        }
    }

    private static void turn(MeterRegistry r, TurnServer turn) {
        Gauge.builder("switchboard.turn.allocations", turn, TurnServer::allocationCount)
                .description("Active TURN allocations").register(r);
        RelayStats stats = turn.stats();
        for (FiveTuple.Protocol p : FiveTuple.Protocol.values()) {
            RelayStats.Counters c = stats.of(p);
            String transport = p.name().toLowerCase(Locale.ROOT);
            relay(r, "packets", transport, "to-peer", c, RelayStats.Counters::toPeerPackets);
            relay(r, "bytes", transport, "to-peer", c, RelayStats.Counters::toPeerBytes);
            relay(r, "packets", transport, "to-client", c, RelayStats.Counters::toClientPackets);
            relay(r, "bytes", transport, "to-client", c, RelayStats.Counters::toClientBytes);
        }
    }

    private static void relay(MeterRegistry r, String what, String transport, String direction,
                              RelayStats.Counters c, ToDoubleFunction<RelayStats.Counters> f) {
        FunctionCounter.builder("switchboard.turn.relayed." + what, c, f)
                .tag("transport", transport).tag("direction", direction)
                .description("TURN payload " + what + " relayed").register(r);
    }

    private static void media(MeterRegistry r, MediaStore media) {
        Gauge.builder("switchboard.media.items", media, MediaStore::count)
                .description("Stored photos and recordings").register(r);
        Gauge.builder("switchboard.media.reconciled.orphan.files", media, MediaStore::reconciledOrphanFiles)
                .description("Content files without a row removed by the start-up reconciliation").register(r);
        Gauge.builder("switchboard.media.reconciled.rows.without.file", media, MediaStore::reconciledRowsWithoutFile)
                .description("Rows whose content file was gone, removed by the start-up reconciliation").register(r);
        Gauge.builder("switchboard.media.storage.writable", media, m -> m.health().writable() ? 1 : 0)
                .description("1 while storage writes succeed, 0 while they fail (disk full, I/O, database)").register(r);
        Gauge.builder("switchboard.media.storage.free.bytes", media, m -> m.health().freeBytes())
                .description("Bytes free on the data dir's volume").register(r);
        for (StorageFailure f : StorageFailure.values()) {
            FunctionCounter.builder("switchboard.media.storage.failures", media, m -> m.health().count(f))
                    .tag("kind", f.code()).description("Failed storage writes by kind").register(r);
        }
    }
}
