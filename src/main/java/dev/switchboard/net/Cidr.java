package dev.switchboard.net;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}; a bare address
 * is a single host). Parsed here, without DNS and without Java's habit of turning {@code ::ffff:a.b.c.d}
 * into an IPv4 address, so that IPv6 ranges keep their family.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        byte[] ip = parseAddress(slash < 0 ? s : s.substring(0, slash));
        int bits = ip.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("bad prefix length in \"" + text + "\"");
            }
            prefix = Integer.parseInt(p);
        }
        for (int i = 0; i < ip.length; i++) {
            ip[i] &= mask(i, prefix);
        }
        return new Cidr(ip, prefix);
    }

    private static byte mask(int byteIndex, int prefix) {
        int bitsHere = Math.max(0, Math.min(8, prefix - byteIndex * 8));
        return (byte) (0xFF00 >> bitsHere);
    }

    /** True when {@code ip} (4 or 16 bytes) is inside; an address of the other family never is. */
    public boolean contains(byte[] ip) {
        if (ip.length != network.length) {
            return false;
        }
        for (int i = 0; i < ip.length; i++) {
            if ((ip[i] & mask(i, prefix)) != network[i]) {
                return false;
            }
        }
        return true;
    }

    public int prefix() {
        return prefix;
    }

    public boolean ipv6() {
        return network.length == 16;
    }

    /** An IPv4 dotted quad or an IPv6 address (with {@code ::} and an optional trailing dotted quad). */
    public static byte[] parseAddress(String s) {
        if (s.indexOf(':') < 0) {
            return parseIpv4(s, s);
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        String original = s;
        byte[] tail = new byte[0];
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.', lastColon) >= 0) {
            tail = parseIpv4(s.substring(lastColon + 1), original);
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException("not an IP address: \"" + original + "\"");
        }
        String[] head = gap < 0 ? s.split(":", -1) : split(s.substring(0, gap));
        String[] rest = gap < 0 ? new String[0] : split(s.substring(gap + 2));
        if (gap < 0 ? head.length != 8 : head.length + rest.length > 7) {
            throw new IllegalArgumentException("not an IP address: \"" + original + "\"");
        }
        byte[] ip = new byte[16];
        putGroups(ip, 0, head, original);
        putGroups(ip, 16 - 2 * rest.length, rest, original);
        if (tail.length == 4) {
            System.arraycopy(tail, 0, ip, 12, 4);
        }
        return ip;
    }

    private static String[] split(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    private static void putGroups(byte[] ip, int at, String[] groups, String original) {
        for (String g : groups) {
            if (!g.matches("[0-9A-Fa-f]{1,4}")) {
                throw new IllegalArgumentException("not an IP address: \"" + original + "\"");
            }
            int v = Integer.parseInt(g, 16);
            ip[at++] = (byte) (v >> 8);
            ip[at++] = (byte) v;
        }
    }

    private static byte[] parseIpv4(String s, String original) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IP address: \"" + original + "\"");
        }
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                throw new IllegalArgumentException("not an IP address: \"" + original + "\"");
            }
            ip[i] = (byte) Integer.parseInt(parts[i]);
        }
        return ip;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (network.length == 4) {
            for (int i = 0; i < 4; i++) {
                sb.append(i == 0 ? "" : ".").append(network[i] & 0xFF);
            }
        } else {
            for (int i = 0; i < 16; i += 2) {
                sb.append(i == 0 ? "" : ":").append(Integer.toHexString((network[i] & 0xFF) << 8 | (network[i + 1] & 0xFF)));
            }
        }
        return sb.append('/').append(prefix).toString();
    }
}
