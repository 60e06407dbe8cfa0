package dev.switchboard.turn;

import dev.switchboard.net.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers an allocation may talk to (RFC 8656 section 21.3 leaves this to the operator). The default
 * deny-list covers the unspecified, loopback, private, shared, link-local, benchmarking, multicast and
 * reserved ranges of both families. IPv6 addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible,
 * NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32 with its server and obfuscated client addresses)
 * are checked under every embedded IPv4 address too, so {@code ::ffff:127.0.0.1} is loopback. A range
 * on the allow-list opens its addresses even where the deny-list covers them.
 */
public final class PeerPolicy {
    public static final List<String> DEFAULT_DENY = List.of(
            "0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
            "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8");
    private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr TEREDO = Cidr.parse("2001::/32");

    private final Cidr[] deny;
    private final Cidr[] allow;

    public PeerPolicy(List<Cidr> extraDeny, List<Cidr> allow) {
        List<Cidr> d = new ArrayList<>();
        DEFAULT_DENY.forEach(s -> d.add(Cidr.parse(s)));
        d.addAll(extraDeny);
        this.deny = d.toArray(Cidr[]::new);
        this.allow = allow.toArray(Cidr[]::new);
    }

    /** True when relaying to or from {@code ip} (4 or 16 bytes) is allowed. */
    public boolean allowed(byte[] ip) {
        if (matches(allow, ip)) {
            return true; // opened on purpose as written: ::1/128 must not fall to ::/96's 0.0.0.1
        }
        if (!allowedForm(ip)) {
            return false;
        }
        if (ip.length == 16) {
            if (MAPPED.contains(ip) || COMPATIBLE.contains(ip) || NAT64.contains(ip)) {
                return allowedForm(slice(ip, 12, false));
            }
            if (SIX_TO_FOUR.contains(ip)) {
                return allowedForm(slice(ip, 2, false));
            }
            if (TEREDO.contains(ip)) {
                return allowedForm(slice(ip, 4, false)) && allowedForm(slice(ip, 12, true));
            }
        }
        return true;
    }

    private boolean allowedForm(byte[] ip) {
        return !matches(deny, ip) || matches(allow, ip);
    }

    private static boolean matches(Cidr[] ranges, byte[] ip) {
        for (Cidr c : ranges) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] slice(byte[] ip, int at, boolean invert) {
        byte[] v4 = new byte[4];
        for (int i = 0; i < 4; i++) {
            v4[i] = (byte) (invert ? ~ip[at + i] : ip[at + i]);
        }
        return v4;
    }
}
