package dev.switchboard.turn;

/** Opens TCP relays (RFC 6062 section 5.1). */
public interface TcpRelayFactory {

    /**
     * Binds a listening TCP relay of {@code family} for the client behind {@code link}; connections from
     * peers go to {@code accepted}. Calls {@code opened} exactly once with a {@link TcpRelay}.
     */
    void listen(ClientLink link, int family, TcpRelay.Accepted accepted, RelayFactory.Opened opened);
}
