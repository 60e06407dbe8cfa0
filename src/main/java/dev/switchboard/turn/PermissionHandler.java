package dev.switchboard.turn;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.XorPeerAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CreatePermission (RFC 8656 section 10) and ChannelBind (section 12.2): each peer address passes the
 * peer policy once here, and the result is installed on the allocation for the relay path to read.
 * A channel binding also installs or refreshes the permission for its peer.
 */
final class PermissionHandler {
    static final long PERMISSION_LIFETIME_SECONDS = 300;
    static final long CHANNEL_LIFETIME_SECONDS = 600;

    private final TurnConfig config;
    private final Ticker ticker;
    private final RequestChecks checks;
    private final Responder respond;

    PermissionHandler(TurnConfig config, Ticker ticker, RequestChecks checks, Responder respond) {
        this.config = config;
        this.ticker = ticker;
        this.checks = checks;
        this.respond = respond;
    }

    void createPermission(ClientLink link, StunMessage m) {
        RequestChecks.Owned owned = checks.owned(link, m);
        if (owned == null) {
            return;
        }
        Allocation a = owned.allocation();
        byte[] key = owned.key();
        List<XorPeerAddress> addresses = m.all(XorPeerAddress.class);
        if (addresses.isEmpty()) {
            respond.error(link, m, key, ErrorCode.BAD_REQUEST);
            return;
        }
        InetAddress[] ips = new InetAddress[addresses.size()];
        for (int i = 0; i < ips.length; i++) {
            TransportAddress peer = addresses.get(i).address();
            int code = checks.peer(a, peer);
            if (code != 0) {
                respond.error(link, m, key, code);
                return;
            }
            ips[i] = peer.toSocketAddress().getAddress();
        }
        long expires = ticker.nanoTime() + TimeUnit.SECONDS.toNanos(PERMISSION_LIFETIME_SECONDS);
        if (!a.permit(ips, expires, config.maxPermissions())) {
            respond.error(link, m, key, ErrorCode.INSUFFICIENT_CAPACITY);
            return;
        }
        respond.success(link, m, key, List.of());
    }

    void channelBind(ClientLink link, StunMessage m) {
        RequestChecks.Owned owned = checks.owned(link, m);
        if (owned == null) {
            return;
        }
        Allocation a = owned.allocation();
        byte[] key = owned.key();
        ChannelNumber number = m.get(ChannelNumber.class);
        XorPeerAddress peer = m.get(XorPeerAddress.class);
        if (number == null || peer == null || !number.valid() || peer.address().port() == 0
                || a.relay() instanceof TcpRelay) { // no channels on a TCP allocation (RFC 6062 section 5.1)
            respond.error(link, m, key, ErrorCode.BAD_REQUEST);
            return;
        }
        int code = checks.peer(a, peer.address());
        if (code != 0) {
            respond.error(link, m, key, code);
            return;
        }
        InetSocketAddress to = peer.address().toSocketAddress();
        long now = ticker.nanoTime();
        Allocation.BindResult bound = a.bind(number.number(), to,
                now + TimeUnit.SECONDS.toNanos(CHANNEL_LIFETIME_SECONDS), config.maxChannels());
        if (bound == Allocation.BindResult.OK && !a.permit(new InetAddress[] {to.getAddress()},
                now + TimeUnit.SECONDS.toNanos(PERMISSION_LIFETIME_SECONDS), config.maxPermissions())) {
            bound = Allocation.BindResult.QUOTA;
        }
        switch (bound) {
            case OK -> respond.success(link, m, key, List.of());
            case CONFLICT -> respond.error(link, m, key, ErrorCode.BAD_REQUEST);
            case QUOTA -> respond.error(link, m, key, ErrorCode.INSUFFICIENT_CAPACITY);
        }
    }
}
