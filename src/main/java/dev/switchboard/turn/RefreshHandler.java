package dev.switchboard.turn;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.Lifetime;
import dev.switchboard.stun.RequestedAddressFamily;
import dev.switchboard.stun.StunMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Refresh (RFC 8656 section 8): a new lifetime, clamped as for Allocate, or LIFETIME 0 to delete the
 * allocation at once; REQUESTED-ADDRESS-FAMILY, when present, must match the allocation (443).
 */
final class RefreshHandler {
    private final TurnConfig config;
    private final Ticker ticker;
    private final Allocations allocations;
    private final RequestChecks checks;
    private final Responder respond;

    RefreshHandler(TurnConfig config, Ticker ticker, Allocations allocations, RequestChecks checks, Responder respond) {
        this.config = config;
        this.ticker = ticker;
        this.allocations = allocations;
        this.checks = checks;
        this.respond = respond;
    }

    void handle(ClientLink link, StunMessage m) {
        RequestChecks.Owned owned = checks.owned(link, m);
        if (owned == null) {
            return;
        }
        Allocation a = owned.allocation();
        RequestedAddressFamily family = m.get(RequestedAddressFamily.class);
        if (family != null && family.family() != a.family) {
            respond.error(link, m, owned.key(), ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH);
            return;
        }
        Lifetime requested = m.get(Lifetime.class);
        long lifetime = requested != null && requested.seconds() == 0 ? 0 : AllocateHandler.lifetime(m, config);
        if (lifetime == 0) {
            allocations.delete(a);
        } else {
            a.refresh(ticker.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime));
        }
        respond.success(link, m, owned.key(), List.of(new Lifetime(lifetime)));
    }
}
