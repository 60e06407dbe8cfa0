package dev.switchboard.turn;

import dev.switchboard.stun.Integrity;
import dev.switchboard.stun.OpaqueString;
import dev.switchboard.stun.StringPrepException;
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
 * base64(HMAC-SHA1(secret, username))).
 * <p>
 * Static users: names and passwords are prepared with {@link OpaqueString} (RFC 8489 section 9.2.2), so
 * a received USERNAME finds its user whatever its normalization, and the key is MD5 of the username as
 * received (the string the client hashed), the realm and the prepared password. REST usernames and
 * passwords are used exactly as given: the HMAC covers the received bytes, as coturn computes it.
 */
final class LongTermCredentials {
    private final String realm;
    private final Map<String, String> staticPasswords = new HashMap<>();
    private final Map<String, byte[]> staticKeys = new HashMap<>();
    private final byte[] secret;
    private final Ticker ticker;

    /** Throws IllegalArgumentException when a static user's name or password fails OpaqueString preparation. */
    LongTermCredentials(String realm, Map<String, String> users, byte[] secret, Ticker ticker) {
        this.realm = realm;
        users.forEach((name, password) -> {
            try {
                String n = OpaqueString.prepare(name);
                String p = OpaqueString.prepare(password);
                staticPasswords.put(n, p);
                staticKeys.put(n, Integrity.longTermKey(n, realm, p));
            } catch (StringPrepException e) {
                throw new IllegalArgumentException("TURN user " + name + ": name or password " + e.getMessage(), e);
            }
        });
        this.secret = secret == null || secret.length == 0 ? null : secret.clone();
        this.ticker = ticker;
    }

    /** The key for {@code username}, or null when the user is unknown or the REST username has expired. */
    byte[] key(String username) {
        byte[] k = staticKeys.get(username);
        if (k != null) {
            return k;
        }
        if (!staticPasswords.isEmpty()) {
            String prepared = prepared(username);
            String password = prepared == null ? null : staticPasswords.get(prepared);
            if (password != null) {
                return Integrity.longTermKey(username, realm, password);
            }
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

    private static String prepared(String username) {
        try {
            return OpaqueString.prepare(username);
        } catch (StringPrepException e) {
            return null;
        }
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
