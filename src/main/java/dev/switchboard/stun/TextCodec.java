package dev.switchboard.stun;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 text values with a byte limit (USERNAME, REALM, NONCE, SOFTWARE, reason phrases). */
final class TextCodec {
    private TextCodec() {}

    static String read(ByteBuffer v, int maxBytes, String name) throws StunFormatException {
        if (v.remaining() > maxBytes) {
            throw new StunFormatException(name + ": longer than " + maxBytes + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(v).toString();
        } catch (CharacterCodingException e) {
            throw new StunFormatException(name + ": not UTF-8");
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void check(String s, int maxBytes, String name) {
        if (bytes(s).length > maxBytes) {
            throw new IllegalArgumentException(name + " longer than " + maxBytes + " bytes");
        }
    }
}
