package dev.switchboard.bench;

import java.util.concurrent.atomic.LongAdder;

/** Shared state of one measured point: the switches the clients read and the counters they bump. */
final class Load {
    final int paceMillis;
    volatile boolean running;
    volatile boolean measuring;
    /** Callers send no new message; answerers still answer, so the messages in flight come back. */
    volatile boolean draining;
    final LongAdder relayed = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder otherPackets = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    /** Exceptions on a connection (a failed write, a decoding error); the connection is closed. */
    final LongAdder failures = new LongAdder();
    volatile String firstError;
    final RttHistogram rtt = new RttHistogram();

    Load(int paceMillis) {
        this.paceMillis = paceMillis;
    }
}
