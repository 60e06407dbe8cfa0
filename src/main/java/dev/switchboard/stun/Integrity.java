package dev.switchboard.stun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys and HMACs for MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 (RFC 8489 sections 9.1.2, 9.2.2,
 * 14.5, 14.6).
 */
public final class Integrity {
    static final String HMAC_SHA1 = "HmacSHA1";
    static final String HMAC_SHA256 = "HmacSHA256";

    private Integrity() {}

    /** The long-term credential key: MD5(username ":" realm ":" password), strings already SASLprep'ed. */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The short-term credential key: the password itself (after OpaqueString preparation). */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * HMAC over {@code message[0, offset)} with the header's length field replaced so that the message
     * appears to end {@code tail} bytes after {@code offset} (the integrity attribute itself).
     */
    static byte[] hmac(String algorithm, byte[] key, byte[] message, int offset, int tail) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            int length = offset - StunMessage.HEADER_LENGTH + tail;
            mac.update(message, 0, 2);
            mac.update((byte) (length >> 8));
            mac.update((byte) length);
            mac.update(message, 4, offset - 4);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean equalPrefix(byte[] mac, byte[] raw, int at, int length) {
        if (length > mac.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= mac[i] ^ raw[at + i];
        }
        return diff == 0;
    }
}
