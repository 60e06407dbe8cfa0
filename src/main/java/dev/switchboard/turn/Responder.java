package dev.switchboard.turn;

import dev.switchboard.net.PerSourceRate;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.StunAttribute;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds answers (RFC 8489 section 6.3): same method and transaction id, MESSAGE-INTEGRITY of the kind
 * the request used when it was authenticated, FINGERPRINT when the request had one. No SOFTWARE, and
 * empty reason phrases: the code says it all and leaks nothing. An answer sent without a key over UDP
 * (where the source address may be spoofed) first takes a token from the source's {@link PerSourceRate};
 * none left, no answer.
 */
final class Responder {
    private final PerSourceRate budget;
    private final Ticker ticker;

    Responder(PerSourceRate budget, Ticker ticker) {
        this.budget = budget;
        this.ticker = ticker;
    }

    void success(ClientLink link, StunMessage request, byte[] key, List<StunAttribute> attributes) {
        if (key == null && !budgeted(link)) {
            return;
        }
        link.send(successBytes(request, key, attributes));
    }

    /** False when an unauthenticated answer to this UDP source would go over its budget. */
    private boolean budgeted(ClientLink link) {
        return link.stream() || budget.take(link.fiveTuple().client().getAddress(), ticker.nanoTime());
    }

    byte[] successBytes(StunMessage request, byte[] key, List<StunAttribute> attributes) {
        return StunEncoder.encode(StunMessage.of(request.type().success(), request.transactionId(), attributes),
                protection(request, key));
    }

    void error(ClientLink link, StunMessage request, byte[] key, int code, StunAttribute... extra) {
        if (key == null && !budgeted(link)) {
            return;
        }
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(ErrorCode.of(code));
        attrs.addAll(List.of(extra));
        link.send(StunEncoder.encode(StunMessage.of(request.type().error(), request.transactionId(), attrs),
                protection(request, key)));
    }

    private static StunEncoder.Protection protection(StunMessage request, byte[] key) {
        return new StunEncoder.Protection(key, key != null && request.usesSha256(), request.hasFingerprint());
    }
}
