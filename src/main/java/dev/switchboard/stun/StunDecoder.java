package dev.switchboard.stun;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bytes to {@link StunMessage} (RFC 8489 sections 5, 6.3 and 14). Rejects, with
 * {@link StunFormatException} only, anything that is not exactly one well-formed message: bad leading
 * bits or cookie, length not matching, attributes running past the end, a bad FINGERPRINT or anything
 * after it, attribute values of the wrong size. Attributes after MESSAGE-INTEGRITY other than
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored; of repeated attributes of a type that must not
 * repeat, the first counts.
 */
public final class StunDecoder {
    private StunDecoder() {}

    /** Cheap test used to demultiplex: two zero leading bits and the magic cookie. */
    public static boolean looksLikeStun(byte[] b, int length) {
        return length >= StunMessage.HEADER_LENGTH && (b[0] & 0xC0) == 0
                && (b[4] & 0xFF) == 0x21 && (b[5] & 0xFF) == 0x12 && (b[6] & 0xFF) == 0xA4 && (b[7] & 0xFF) == 0x42;
    }

    public static StunMessage decode(byte[] bytes) throws StunFormatException {
        byte[] raw = bytes.clone();
        int n = raw.length;
        if (n < StunMessage.HEADER_LENGTH) {
            throw new StunFormatException("shorter than a header");
        }
        ByteBuffer buf = ByteBuffer.wrap(raw);
        int typeField = buf.getShort() & 0xFFFF;
        if ((typeField & 0xC000) != 0) {
            throw new StunFormatException("leading bits not zero");
        }
        int length = buf.getShort() & 0xFFFF;
        if (length % 4 != 0 || length + StunMessage.HEADER_LENGTH != n) {
            throw new StunFormatException("length field " + length + " does not match " + n + " bytes");
        }
        if (buf.getInt() != StunMessage.MAGIC_COOKIE) {
            throw new StunFormatException("no magic cookie");
        }
        byte[] tidBytes = new byte[TransactionId.LENGTH];
        buf.get(tidBytes);
        TransactionId tid = TransactionId.wrap(tidBytes);
        MessageType type = MessageType.decode(typeField);

        List<StunAttribute> attributes = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        int integrity = -1;
        int integritySha256 = -1;
        boolean fingerprint = false;
        int pos = StunMessage.HEADER_LENGTH;
        while (pos < n) {
            if (fingerprint) {
                throw new StunFormatException("attribute after FINGERPRINT");
            }
            if (pos + 4 > n) {
                throw new StunFormatException("truncated attribute header");
            }
            int at = (raw[pos] & 0xFF) << 8 | (raw[pos + 1] & 0xFF);
            int len = (raw[pos + 2] & 0xFF) << 8 | (raw[pos + 3] & 0xFF);
            int padded = (len + 3) & ~3;
            if (pos + 4 + padded > n) {
                throw new StunFormatException("attribute 0x" + Integer.toHexString(at) + " runs past the end");
            }
            ByteBuffer value = ByteBuffer.wrap(raw, pos + 4, len).slice();
            boolean afterIntegrity = integrity >= 0 || integritySha256 >= 0;
            if (at == AttributeType.FINGERPRINT) {
                Fingerprint fp = Fingerprint.decode(value);
                if (fp.crc() != Fingerprint.compute(raw, pos)) {
                    throw new StunFormatException("FINGERPRINT does not match");
                }
                fingerprint = true;
                attributes.add(fp);
            } else if (at == AttributeType.MESSAGE_INTEGRITY_SHA256 && integritySha256 < 0) {
                attributes.add(MessageIntegritySha256.decode(value));
                integritySha256 = pos;
            } else if (at == AttributeType.MESSAGE_INTEGRITY && !afterIntegrity) {
                attributes.add(MessageIntegrity.decode(value));
                integrity = pos;
            } else if (!afterIntegrity && seen.add(at)) {
                StunAttribute a = Attributes.decode(at, value, tid);
                if (a instanceof UnknownAttribute && AttributeType.comprehensionRequired(at)) {
                    unknown.add(at);
                }
                attributes.add(a);
            } else if (!afterIntegrity && at == AttributeType.XOR_PEER_ADDRESS) {
                attributes.add(Attributes.decode(at, value, tid)); // CreatePermission may carry several
            }
            pos += 4 + padded;
        }
        return new StunMessage(type, tid, attributes, unknown, raw, integrity, integritySha256, fingerprint);
    }
}
