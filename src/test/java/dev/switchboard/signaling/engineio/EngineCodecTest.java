package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineCodecTest {

    @Test
    void textPacketIsTypeDigitThenData() throws Exception {
        assertThat(EngineCodec.decodePacket("4hello")).isEqualTo(EnginePacket.message("hello"));
        assertThat(EngineCodec.decodePacket("2")).isEqualTo(EnginePacket.PING);
        assertThat(EngineCodec.decodePacket("2probe").text()).isEqualTo("probe");
        assertThat(EngineCodec.decodePacket("3").type()).isEqualTo(EnginePacket.Type.PONG);
        assertThat(EngineCodec.decodePacket("5").type()).isEqualTo(EnginePacket.Type.UPGRADE);
        assertThat(EngineCodec.decodePacket("6").type()).isEqualTo(EnginePacket.Type.NOOP);
        assertThat(EngineCodec.decodePacket("1").type()).isEqualTo(EnginePacket.Type.CLOSE);
        assertThat(EngineCodec.encodePacket(EnginePacket.message("€uro"))).isEqualTo("4€uro");
    }

    @Test
    void binaryInAPayloadIsBase64WithBPrefix() throws Exception {
        EnginePacket p = EngineCodec.decodePacket("bAQIDBA==");
        assertThat(p.isBinary()).isTrue();
        assertThat(p.bytes()).containsExactly(1, 2, 3, 4);
        assertThat(EngineCodec.encodePacket(EnginePacket.binary(new byte[] {1, 2, 3, 4}))).isEqualTo("bAQIDBA==");
    }

    @Test
    void payloadJoinsPacketsWithRecordSeparator() throws Exception {
        List<EnginePacket> packets = EngineCodec.decodePayload("4hello\u001ebAQIDBA==\u001e2", 10);
        assertThat(packets).hasSize(3);
        assertThat(packets.get(0).text()).isEqualTo("hello");
        assertThat(packets.get(1).bytes()).containsExactly(1, 2, 3, 4);
        assertThat(packets.get(2)).isEqualTo(EnginePacket.PING);
        assertThat(EngineCodec.encodePayload(packets)).isEqualTo("4hello\u001ebAQIDBA==\u001e2");
    }

    @Test
    void malformedPacketsAreRefusedWithTheCodecsOwnError() {
        for (String bad : List.of("", "7", "x", "0{}", "bA", "4a\u001e", "\u001e")) {
            assertThatThrownBy(() -> EngineCodec.decodePayload(bad, 10)).as(bad)
                    .isInstanceOf(EngineProtocolException.class);
        }
    }

    @Test
    void payloadWithTooManyPacketsIsRefused() {
        String many = "6\u001e".repeat(11) + "6";
        assertThatThrownBy(() -> EngineCodec.decodePayload(many, 10)).isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void randomInputOnlyEverRaisesTheCodecsOwnError() {
        Random random = new Random(20261125L);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            if (b.length > 0 && random.nextBoolean()) {
                b[0] = (byte) "0123456b".charAt(random.nextInt(8));
            }
            String s = new String(b, StandardCharsets.ISO_8859_1);
            try {
                List<EnginePacket> packets = EngineCodec.decodePayload(s, 100);
                for (EnginePacket p : packets) {
                    assertThat(p.type()).isNotNull();
                }
            } catch (EngineProtocolException expected) {
                // the only failure allowed
            }
        }
    }
}
