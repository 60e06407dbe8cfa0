package dev.switchboard.turn;

import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.Nonce;
import dev.switchboard.stun.Realm;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.Username;

/**
 * The server side of the long-term credential mechanism (RFC 8489 section 9.2.4), stateless: a request
 * without integrity gets 401 with REALM and a fresh NONCE; missing USERNAME, REALM or NONCE is 400; a
 * nonce that is not ours or has expired is 438 with a new one; an unknown user or a wrong
 * MESSAGE-INTEGRITY is 401. None of these answers is signed, and none creates state.
 */
final class Authenticator {
    /** An authenticated request's user and key. */
    record Result(String username, byte[] key) {}

    private final Realm realm;
    private final LongTermCredentials credentials;
    private final Nonces nonces;
    private final Responder respond;

    Authenticator(String realm, LongTermCredentials credentials, Nonces nonces, Responder respond) {
        this.realm = new Realm(realm);
        this.credentials = credentials;
        this.nonces = nonces;
        this.respond = respond;
    }

    /** The user, or null after answering the request with the error. */
    Result check(ClientLink link, StunMessage m) {
        byte[] clientIp = link.fiveTuple().client().getAddress().getAddress();
        if (!m.hasIntegrity()) {
            challenge(link, m, ErrorCode.UNAUTHENTICATED, clientIp);
            return null;
        }
        Username user = m.get(Username.class);
        Realm r = m.get(Realm.class);
        Nonce nonce = m.get(Nonce.class);
        if (user == null || r == null || nonce == null) {
            respond.error(link, m, null, ErrorCode.BAD_REQUEST);
            return null;
        }
        if (nonces.check(nonce.value(), clientIp) != Nonces.Check.VALID) {
            challenge(link, m, ErrorCode.STALE_NONCE, clientIp);
            return null;
        }
        byte[] key = r.value().equals(realm.value()) ? credentials.key(user.value()) : null;
        if (key == null || !m.verifyIntegrity(key)) {
            challenge(link, m, ErrorCode.UNAUTHENTICATED, clientIp);
            return null;
        }
        return new Result(user.value(), key);
    }

    private void challenge(ClientLink link, StunMessage m, int code, byte[] clientIp) {
        respond.error(link, m, null, code, realm, new Nonce(nonces.issue(clientIp)));
    }
}
