package dev.switchboard.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address and port as carried in the address attributes, keeping the family it was sent with
 * (Java would turn an IPv4-mapped IPv6 address into an IPv4 one, which matters for policy checks).
 */
public final class TransportAddress {
    public static final int FAMILY_IPV4 = 0x01;
    public static final int FAMILY_IPV6 = 0x02;
    private final byte[] ip;
    private final int port;

    private TransportAddress(byte[] ip, int port) {
        this.ip = ip;
        this.port = port;
    }

    public static TransportAddress of(byte[] ip, int port) {
        if (ip.length != 4 && ip.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new TransportAddress(ip.clone(), port);
    }

    public static TransportAddress of(InetSocketAddress a) {
        return new TransportAddress(a.getAddress().getAddress(), a.getPort());
    }

    public static TransportAddress of(InetAddress a, int port) {
        return of(new InetSocketAddress(a, port));
    }

    public int family() {
        return ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6;
    }

    public byte[] ip() {
        return ip.clone();
    }

    public int port() {
        return port;
    }

    /** As a Java socket address (an IPv4-mapped IPv6 address becomes IPv4 here). */
    public InetSocketAddress toSocketAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4 or 16 bytes
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportAddress t && t.port == port && Arrays.equals(ip, t.ip);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ip) * 31 + port;
    }

    @Override
    public String toString() {
        InetSocketAddress a = toSocketAddress();
        String host = a.getAddress().getHostAddress();
        return (ip.length == 16 ? "[" + host + "]" : host) + ":" + port;
    }
}
