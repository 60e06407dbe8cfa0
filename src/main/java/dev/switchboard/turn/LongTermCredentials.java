package dev.switchboard.turn;

import dev.switchboard.stun.Integrity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Long-term credentials (RFC 8489 section 9.2): static users, and the time-limited REST scheme of
 * coturn's {@code use-auth-secret} (username {@code <unix expiry>[:<user>]}, password
 * base64(HMAC-SHA1(secret, username))). Usernames and passwords are used as given (no SASLprep).
 */
final class LongTermCredentials {
    private final String realm;
    private final Map<String, byte[]> staticKeys = new HashMap<>();
    private final byte[] secret;
    private final Ticker ticker;

    LongTermCredentials(String realm, Map<String, String> users, byte[] secret, Ticker ticker) {
        this.realm = realm;
        users.forEach((name, password) -> staticKeys.put(name, Integrity.longTermKey(name, realm, password)));
        this.secret = secret == null || secret.length == 0 ? null : secret.clone();
        this.ticker = ticker;
    }

    /** The key for {@code username}, or null when the user is unknown or the REST username has expired. */
    byte[] key(String username) {
        byte[] k = staticKeys.get(username);
        if (k != null) {
            return k;
        }
        if (secret == null) {
            return null;
        }
        int colon = username.indexOf(':');
        String expiry = colon < 0 ? username : username.substring(0, colon);
        if (expiry.isEmpty() || expiry.length() > 12 || !expiry.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        if (Long.parseLong(expiry) < ticker.epochSecond()) {
            return null;
        }
        return Integrity.longTermKey(username, realm, restPassword(secret, username));
    }

    static String restPassword(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
