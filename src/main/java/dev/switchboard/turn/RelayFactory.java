package dev.switchboard.turn;

/** Opens relay sockets; binding may complete later, so results come back through {@link Opened}. */
public interface RelayFactory {

    /**
     * Opens a relay of {@code family} (1 IPv4, 2 IPv6) for the client behind {@code link}, on an even
     * port when asked, and with {@code reserveNext} also the port above it (RFC 8656 section 7.2, EVEN-PORT).
     * Calls {@code opened} exactly once, on the link's thread where there is one.
     */
    void open(ClientLink link, int family, boolean evenPort, boolean reserveNext, RelayReceiver receiver, Opened opened);

    /** The outcome of {@link #open}. */
    interface Opened {
        /** The relay, and the reserved next one when asked (else null; it has no receiver yet). */
        void relay(Relay relay, Relay reserved);

        /** No relay: {@code errorCode} is 440 (family not available) or 508 (no port free). */
        void failed(int errorCode);
    }
}
