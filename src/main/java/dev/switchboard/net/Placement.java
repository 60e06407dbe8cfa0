package dev.switchboard.net;

import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Which event loop a new connection joins ({@code -Dswitchboard.loops} or {@code SWITCHBOARD_LOOPS}:
 * {@code packed}, the default, or {@code spread}).
 */
public enum Placement {
    /**
     * As few loops as carry the load ({@link PackedChooser}): when the loops taking new connections were
     * busy more than {@value #BUSY} of the time, on average, for {@value #PATIENCE} windows of a second in
     * a row, one more loop takes them; below {@value #IDLE}, the last one stops (its connections stay).
     * A loop that sleeps and wakes up for every few events costs more per event than one kept busy: the
     * official-client benchmark at 200 rooms counted a quarter of the wake-ups on one loop that two loops
     * made, and packed loops cost 12-24 % less CPU per message than spread ones (docs/benchmarks.md).
     */
    PACKED,
    /** Round robin over every loop. */
    SPREAD;

    static final double BUSY = 0.7;
    static final double IDLE = 0.2;
    static final int PATIENCE = 2;

    EventExecutorChooserFactory chooser(int loops) {
        if (this == SPREAD || loops == 1 || !PackedChooser.supported()) {
            return DefaultEventExecutorChooserFactory.INSTANCE;
        }
        return new PackedChooser(1, TimeUnit.SECONDS, BUSY, IDLE, PATIENCE);
    }

    /** The placement named by the system property or the environment, else {@link #PACKED}. */
    public static Placement fromEnvironment() {
        String asked = System.getProperty("switchboard.loops", System.getenv("SWITCHBOARD_LOOPS"));
        if (asked == null || asked.isBlank()) {
            return PACKED;
        }
        try {
            return valueOf(asked.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("switchboard.loops: " + asked + " is not packed or spread", e);
        }
    }
}
