package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Engine.IO v3 packets and payloads: the forms Socket.IO 2.x clients send and read, and malformed ones. */
class EngineCodecV3Test {
    static final int MAX = 100;

    static List<EnginePacket> text(String body) throws EngineProtocolException {
        return EngineCodecV3.decodeTextPayload(body, MAX);
    }

    static List<EnginePacket> binary(int... bytes) throws EngineProtocolException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        ByteBuf buf = Unpooled.wrappedBuffer(b);
        try {
            return EngineCodecV3.decodePayload(buf, MAX);
        } finally {
            buf.release();
        }
    }

    @Test
    void textPayloadIsLengthPrefixedPackets() throws Exception {
        assertThat(text("6:4hello2:401:2")).containsExactly(EnginePacket.message("hello"), EnginePacket.message("0"),
                EnginePacket.PING);
        assertThat(text("6:2probe")).containsExactly(EnginePacket.of(EnginePacket.Type.PING, "probe"));
        assertThat(text("0:")).as("the empty payload").isEmpty();
        assertThat(text("1:60:1:1")).as("zero-length entries are skipped")
                .containsExactly(EnginePacket.NOOP, EnginePacket.CLOSE);
    }

    @Test
    void lengthsCountUtf16UnitsAsJavaScriptDoes() throws Exception {
        // "4é😀": the type, one BMP character, one surrogate pair: 4 units (6 UTF-8 bytes after the type).
        assertThat(text("4:4\u00e9\ud83d\ude00")).containsExactly(EnginePacket.message("\u00e9\ud83d\ude00"));
        assertThat(EngineCodecV3.encodePayload(List.of(EnginePacket.message("\u00e9\ud83d\ude00"))))
                .isEqualTo("4:4\u00e9\ud83d\ude00");
    }

    @Test
    void base64BinaryNamesItsType() throws Exception {
        assertThat(text("6:b4AQID")).containsExactly(EnginePacket.binary(new byte[] {1, 2, 3}));
        assertThat(EngineCodecV3.decodePacket("b4")).isEqualTo(EnginePacket.binary(new byte[0]));
        assertThat(EngineCodecV3.encodePayload(List.of(EnginePacket.message("hi"), EnginePacket.binary(new byte[] {1, 2, 3}))))
                .isEqualTo("3:4hi6:b4AQID");
        assertThat(EngineCodecV3.encodePayload(List.of())).isEqualTo("0:");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                 // no payload at all
        "4hello",           // no length
        ":4hi",             // empty length
        "x:4",              // not a number
        "-1:4",             // negative
        "2:4hi",            // "i" is left over: a length without a packet
        "6:4hi",            // length past the end
        "999999999:4",      // nine digits, past the end
        "2147483648:4",     // ten digits: larger than any payload, refused before it can overflow
        "99999999999999999999:4",
        "6:4hello1",        // trailing length without colon
        "3:b4!",            // bad base64
        "4:b2AQ",           // base64 binary that is not a message
        "1:b",              // "b" alone
        "1:9",              // unknown type
        "1:0",              // OPEN from a client
        "1:b4AQID",         // length cuts the packet short, the rest is garbage
    })
    void malformedTextPayloadsAreRefused(String body) {
        assertThatThrownBy(() -> text(body)).isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void tooManyPacketsAreRefused() {
        assertThatThrownBy(() -> EngineCodecV3.decodeTextPayload("1:61:61:6", 2))
                .isInstanceOf(EngineProtocolException.class).hasMessageContaining("too many");
    }

    @Test
    void binaryPayloadFromXhrClients() throws Exception {
        // kind 0 (text) "4hi" of 3 bytes; kind 1 (binary) type 4 + [1,2,3]: 4 bytes; kind 0 "4é" of 3 bytes.
        assertThat(binary(0, 3, 255, '4', 'h', 'i', 1, 4, 255, 4, 1, 2, 3, 0, 3, 255, '4', 0xc3, 0xa9))
                .containsExactly(EnginePacket.message("hi"), EnginePacket.binary(new byte[] {1, 2, 3}),
                        EnginePacket.message("\u00e9"));
        // Lengths of two digits and more: 12 bytes of binary after the type byte.
        int[] big = new int[4 + 13];
        big[0] = 1;
        big[1] = 1;
        big[2] = 3;
        big[3] = 255;
        big[4] = 4;
        assertThat(binary(big)).containsExactly(EnginePacket.binary(new byte[12]));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2,1,255,52",               // kind neither 0 nor 1
        "0,3,255,52,104",           // length past the end
        "0,255",                    // no digits
        "0,0,255",                  // zero length
        "0,1",                      // no 255 after the digits
        "0,12,255,52",              // a "digit" above 9
        "0,9,9,9,9,9,9,9,9,9,9,255,52", // ten digits
        "1,2,255,2,1",              // binary packet whose type is not a message
        "1,1,255,4,0,1,255",        // second packet cut short
        "0,1,255,57",               // text packet of unknown type '9'
    })
    void malformedBinaryPayloadsAreRefused(String csv) {
        String[] parts = csv.split(",");
        int[] bytes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = Integer.parseInt(parts[i]);
        }
        assertThatThrownBy(() -> binary(bytes)).isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void emptyBodyIsRefused() {
        assertThatThrownBy(() -> binary()).isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void binaryPayloadEncodingReadsBackAndCountsBytes() throws Exception {
        List<EnginePacket> packets = List.of(EnginePacket.message("\u00e9t\u00e9"), EnginePacket.binary(new byte[] {9, 8}),
                EnginePacket.PONG);
        ByteBuf out = EngineCodecV3.encodeBinaryPayload(packets);
        try {
            // "4été" is 6 UTF-8 bytes; the binary entry is the type byte and 2 bytes; "3" is 1 byte.
            byte[] expected = {0, 6, (byte) 255, '4', (byte) 0xc3, (byte) 0xa9, 't', (byte) 0xc3, (byte) 0xa9,
                    1, 3, (byte) 255, 4, 9, 8,
                    0, 1, (byte) 255, '3'};
            assertThat(ByteBufUtil.getBytes(out)).containsExactly(expected);
            assertThat(EngineCodecV3.decodePayload(out, MAX)).containsExactlyElementsOf(packets);
        } finally {
            out.release();
        }
    }

    @Test
    void textBodyIsToldFromBinaryByItsFirstByte() throws Exception {
        ByteBuf body = Unpooled.copiedBuffer("6:4hello", StandardCharsets.UTF_8);
        try {
            assertThat(EngineProtocol.V3.decodePayload(body, MAX)).containsExactly(EnginePacket.message("hello"));
            assertThat(body.readerIndex()).as("not consumed").isZero();
        } finally {
            body.release();
        }
    }

    @Test
    void v4StillUsesTheRecordSeparator() throws Exception {
        ByteBuf body = Unpooled.copiedBuffer("4a\u001e4b", StandardCharsets.UTF_8);
        try {
            assertThat(EngineProtocol.V4.decodePayload(body, MAX)).containsExactly(EnginePacket.message("a"), EnginePacket.message("b"));
            assertThat(EngineProtocol.V4.encodePayload(List.of(EnginePacket.binary(new byte[] {1})))).isEqualTo("bAQ==");
            assertThat(EngineProtocol.V3.encodePayload(List.of(EnginePacket.binary(new byte[] {1})))).isEqualTo("6:b4AQ==");
        } finally {
            body.release();
        }
    }
}
