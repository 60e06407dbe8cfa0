package dev.switchboard.turn;

import java.util.concurrent.atomic.LongAdder;

/**
 * Relayed packets and bytes per client transport and direction, for metrics. Counting is an
 * allocation-free {@link LongAdder} increment on the relay path.
 */
public final class RelayStats {
    /** One transport's counters. */
    public static final class Counters {
        final LongAdder toPeerPackets = new LongAdder();
        final LongAdder toPeerBytes = new LongAdder();
        final LongAdder toClientPackets = new LongAdder();
        final LongAdder toClientBytes = new LongAdder();

        void toPeer(int bytes) {
            toPeerPackets.increment();
            toPeerBytes.add(bytes);
        }

        void toClient(int bytes) {
            toClientPackets.increment();
            toClientBytes.add(bytes);
        }

        public long toPeerPackets() {
            return toPeerPackets.sum();
        }

        public long toPeerBytes() {
            return toPeerBytes.sum();
        }

        public long toClientPackets() {
            return toClientPackets.sum();
        }

        public long toClientBytes() {
            return toClientBytes.sum();
        }
    }

    private final Counters[] byProtocol = new Counters[FiveTuple.Protocol.values().length];

    public RelayStats() {
        for (int i = 0; i < byProtocol.length; i++) {
            byProtocol[i] = new Counters();
        }
    }

    public Counters of(FiveTuple.Protocol protocol) {
        return byProtocol[protocol.ordinal()];
    }
}
