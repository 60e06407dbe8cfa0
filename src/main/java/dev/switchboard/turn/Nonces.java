package dev.switchboard.turn;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless expiring nonces (RFC 8489 section 9.2): base64url of the expiry (unix seconds, four bytes)
 * and the first eight bytes of HMAC-SHA256(process key, expiry || client IP). Nothing is stored per
 * client; a nonce from another client address, a forged one and an expired one are all refused.
 * Sixteen characters keep the 401 answer small.
 */
final class Nonces {
    enum Check { VALID, STALE, INVALID }

    private final SecretKeySpec key;
    private final Ticker ticker;
    private final long lifetimeSeconds;

    Nonces(Ticker ticker, long lifetimeSeconds) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.ticker = ticker;
        this.lifetimeSeconds = lifetimeSeconds;
    }

    String issue(byte[] clientIp) {
        int expiry = (int) (ticker.epochSecond() + lifetimeSeconds);
        ByteBuffer b = ByteBuffer.allocate(12).putInt(expiry).put(mac(expiry, clientIp), 0, 8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    Check check(String nonce, byte[] clientIp) {
        if (nonce.length() != 16) {
            return Check.INVALID;
        }
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.INVALID;
        }
        int expiry = ByteBuffer.wrap(b).getInt();
        byte[] mac = mac(expiry, clientIp);
        int diff = 0;
        for (int i = 0; i < 8; i++) {
            diff |= mac[i] ^ b[4 + i];
        }
        if (diff != 0) {
            return Check.INVALID;
        }
        return (expiry & 0xFFFFFFFFL) < ticker.epochSecond() ? Check.STALE : Check.VALID;
    }

    private byte[] mac(int expiry, byte[] clientIp) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(ByteBuffer.allocate(4).putInt(expiry).array());
            m.update(clientIp);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
