package dev.switchboard.stun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the STUN decoder (Jazzer). Any input either decodes or raises the codec's
 * own {@link StunFormatException}; what decodes encodes back to bytes that decode to the same message
 * (decode, encode, decode, encode: the two encodings are equal). {@link #attributes} puts the input
 * behind a valid header, so that the fuzzer spends its time in the attribute decoders. Regression
 * inputs: src/test/resources/dev/switchboard/stun/StunFuzzTestInputs; longer runs: -Pfuzz.
 */
class StunFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void message(byte[] data) {
        roundTrip(data);
    }

    @FuzzTest(maxDuration = "5m")
    void attributes(byte[] data) {
        if (data.length < 2) {
            return;
        }
        int body = Math.min(data.length - 2, 0xFFFF) & ~3;
        ByteBuffer b = ByteBuffer.allocate(StunMessage.HEADER_LENGTH + body);
        int method = ((data[0] & 0x0F) << 8 | (data[1] & 0xFF)) & 0x3EEF; // any method and class
        b.putShort((short) method).putShort((short) body).putInt(StunMessage.MAGIC_COOKIE);
        b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        b.put(data, 2, body);
        roundTrip(b.array());
    }

    private static void roundTrip(byte[] data) {
        StunMessage m;
        try {
            m = StunDecoder.decode(data);
        } catch (StunFormatException refused) {
            return;
        }
        byte[] once = encodeWithoutProtection(m);
        StunMessage again;
        try {
            again = StunDecoder.decode(once);
        } catch (StunFormatException e) {
            throw new AssertionError("re-encoded message does not decode: " + e.getMessage(), e);
        }
        assertThat(encodeWithoutProtection(again)).isEqualTo(once);
        assertThat(again.transactionId()).isEqualTo(m.transactionId());
        assertThat(again.attributes()).hasSameSizeAs(stripped(m));
    }

    /** The decoded message without the attributes only the encoder may write (integrity, fingerprint). */
    private static java.util.List<StunAttribute> stripped(StunMessage m) {
        return m.attributes().stream().filter(a -> a.type() != AttributeType.FINGERPRINT
                && a.type() != AttributeType.MESSAGE_INTEGRITY && a.type() != AttributeType.MESSAGE_INTEGRITY_SHA256)
                .toList();
    }

    private static byte[] encodeWithoutProtection(StunMessage m) {
        return StunEncoder.encode(StunMessage.of(m.type(), m.transactionId(), stripped(m)));
    }
}
