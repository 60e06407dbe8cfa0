package dev.switchboard.stun;

import java.util.ArrayList;
import java.util.List;

/**
 * A STUN message (RFC 8489 section 5): type, transaction id and attributes. Immutable. A decoded message
 * also keeps its bytes so that MESSAGE-INTEGRITY(-SHA256) can be checked once the key is known.
 */
public final class StunMessage {
    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;

    private final MessageType type;
    private final TransactionId transactionId;
    private final List<StunAttribute> attributes;
    private final List<Integer> unknownRequired;
    private final byte[] raw;
    private final int integrityOffset;
    private final int integritySha256Offset;
    private final boolean fingerprint;

    StunMessage(MessageType type, TransactionId transactionId, List<StunAttribute> attributes, List<Integer> unknownRequired,
            byte[] raw, int integrityOffset, int integritySha256Offset, boolean fingerprint) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = List.copyOf(attributes);
        this.unknownRequired = List.copyOf(unknownRequired);
        this.raw = raw;
        this.integrityOffset = integrityOffset;
        this.integritySha256Offset = integritySha256Offset;
        this.fingerprint = fingerprint;
    }

    /** A message to encode; MESSAGE-INTEGRITY and FINGERPRINT are added by the encoder, not listed here. */
    public static StunMessage of(MessageType type, TransactionId transactionId, List<StunAttribute> attributes) {
        for (StunAttribute a : attributes) {
            int t = a.type();
            if (t == AttributeType.MESSAGE_INTEGRITY || t == AttributeType.MESSAGE_INTEGRITY_SHA256
                    || t == AttributeType.FINGERPRINT) {
                throw new IllegalArgumentException("the encoder adds integrity and fingerprint attributes");
            }
        }
        return new StunMessage(type, transactionId, attributes, List.of(), null, -1, -1, false);
    }

    public static StunMessage of(MessageType type, TransactionId transactionId, StunAttribute... attributes) {
        return of(type, transactionId, List.of(attributes));
    }

    public MessageType type() {
        return type;
    }

    public int method() {
        return type.method();
    }

    public MessageClass messageClass() {
        return type.messageClass();
    }

    public TransactionId transactionId() {
        return transactionId;
    }

    /** The attributes that count: those after MESSAGE-INTEGRITY (other than the SHA256 one and FINGERPRINT) are dropped. */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of this class, or null. */
    public <T extends StunAttribute> T get(Class<T> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return kind.cast(a);
            }
        }
        return null;
    }

    /** Every attribute of this class, in order (for repeated XOR-PEER-ADDRESS). */
    public <T extends StunAttribute> List<T> all(Class<T> kind) {
        List<T> found = new ArrayList<>();
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                found.add(kind.cast(a));
            }
        }
        return found;
    }

    public boolean has(int attributeType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attributeType) {
                return true;
            }
        }
        return false;
    }

    /** Comprehension-required attribute types this codec does not know (answered 420 by a server). */
    public List<Integer> unknownRequired() {
        return unknownRequired;
    }

    public boolean hasFingerprint() {
        return fingerprint;
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0 || integritySha256Offset >= 0;
    }

    /** True when the SHA256 variant is present (and is the one checked). */
    public boolean usesSha256() {
        return integritySha256Offset >= 0;
    }

    /**
     * Checks MESSAGE-INTEGRITY-SHA256 if present, else MESSAGE-INTEGRITY, with {@code key}
     * (RFC 8489 section 9.2.2 for the long-term key). False when neither is present.
     */
    public boolean verifyIntegrity(byte[] key) {
        if (raw == null) {
            return false;
        }
        if (integritySha256Offset >= 0) {
            int length = (raw[integritySha256Offset + 2] & 0xFF) << 8 | (raw[integritySha256Offset + 3] & 0xFF);
            byte[] mac = Integrity.hmac(Integrity.HMAC_SHA256, key, raw, integritySha256Offset, 4 + length);
            return Integrity.equalPrefix(mac, raw, integritySha256Offset + 4, length);
        }
        if (integrityOffset >= 0) {
            byte[] mac = Integrity.hmac(Integrity.HMAC_SHA1, key, raw, integrityOffset, 4 + MessageIntegrity.LENGTH);
            return Integrity.equalPrefix(mac, raw, integrityOffset + 4, MessageIntegrity.LENGTH);
        }
        return false;
    }

    @Override
    public String toString() {
        return "StunMessage{" + type + " " + transactionId + " " + attributes + "}";
    }
}
