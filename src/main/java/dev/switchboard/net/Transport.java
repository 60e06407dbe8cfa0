package dev.switchboard.net;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.Locale;

/**
 * The I/O transport of the event loops: io_uring, epoll or NIO. {@link #choose} takes the first one this
 * host can run unless one is asked for ({@code -Dswitchboard.transport} or {@code SWITCHBOARD_TRANSPORT}:
 * {@code io_uring}, {@code epoll}, {@code nio} or {@code auto}).
 */
public enum Transport {
    IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

    /** What {@code auto} picks first, when the host allows it (see docs/benchmarks.md for why). */
    static final Transport PREFERRED = EPOLL;

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether this host can run it (native library loads, the kernel allows it). */
    public boolean available() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Sockets are Linux sockets (SO_REUSEPORT, batched datagram reads). */
    public boolean linux() {
        return this != NIO;
    }

    /** The transport named by the system property or the environment, else the best available. */
    public static Transport fromEnvironment() {
        String asked = System.getProperty("switchboard.transport", System.getenv("SWITCHBOARD_TRANSPORT"));
        if (asked == null && Boolean.getBoolean("switchboard.nio")) {
            asked = "nio";
        }
        return choose(asked);
    }

    /**
     * {@code asked} ({@code null} or {@code auto}: the preferred transport, then epoll, then NIO, the first
     * this host can run). A transport asked for by name that this host cannot run is an error naming why.
     */
    public static Transport choose(String asked) {
        if (asked == null || asked.isBlank() || asked.trim().equalsIgnoreCase("auto")) {
            for (Transport t : new Transport[] {PREFERRED, EPOLL, NIO}) {
                if (t.available()) {
                    return t;
                }
            }
            return NIO;
        }
        Transport t = switch (asked.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "io_uring", "iouring", "uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException(
                    "switchboard.transport: expected auto, io_uring, epoll or nio, got '" + asked + "'");
        };
        if (!t.available()) {
            Throwable why = t == IO_URING ? IoUring.unavailabilityCause() : Epoll.unavailabilityCause();
            throw new IllegalStateException("switchboard.transport: " + t.label + " is not available on this host"
                    + (why == null ? "" : ": " + why.getMessage()), why);
        }
        return t;
    }
}
