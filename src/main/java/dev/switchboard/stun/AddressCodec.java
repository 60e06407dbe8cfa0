package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** The address attribute layout shared by MAPPED-ADDRESS and the XOR-*-ADDRESS attributes (RFC 8489 14.1, 14.2). */
final class AddressCodec {
    static final int MAGIC_COOKIE = 0x2112A442;

    private AddressCodec() {}

    static int length(TransportAddress a) {
        return a.family() == TransportAddress.FAMILY_IPV4 ? 8 : 20;
    }

    static TransportAddress read(ByteBuffer v, TransactionId tid, boolean xor, String name) throws StunFormatException {
        if (v.remaining() != 8 && v.remaining() != 20) {
            throw new StunFormatException(name + ": bad length " + v.remaining());
        }
        v.get(); // reserved
        int family = v.get() & 0xFF;
        int port = v.getShort() & 0xFFFF;
        int ipLength = family == TransportAddress.FAMILY_IPV4 ? 4 : family == TransportAddress.FAMILY_IPV6 ? 16 : -1;
        if (ipLength < 0 || ipLength != v.remaining()) {
            throw new StunFormatException(name + ": bad family " + family + " for length");
        }
        byte[] ip = new byte[ipLength];
        v.get(ip);
        if (xor) {
            port ^= MAGIC_COOKIE >>> 16;
            xorIp(ip, tid);
        }
        return TransportAddress.of(ip, port);
    }

    static void write(ByteBuffer out, TransportAddress a, TransactionId tid, boolean xor) {
        byte[] ip = a.ip();
        int port = a.port();
        if (xor) {
            port ^= MAGIC_COOKIE >>> 16;
            xorIp(ip, tid);
        }
        out.put((byte) 0).put((byte) a.family()).putShort((short) port).put(ip);
    }

    private static void xorIp(byte[] ip, TransactionId tid) {
        for (int i = 0; i < ip.length; i++) {
            int k = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : tid.byteAt(i - 4) & 0xFF;
            ip[i] ^= (byte) k;
        }
    }
}
