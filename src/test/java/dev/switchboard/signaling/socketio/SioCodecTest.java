package dev.switchboard.signaling.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SioCodecTest {

    @Test
    void connectToMainAndCustomNamespaces() throws Exception {
        SioPacket main = SioCodec.decode("0").packet();
        assertThat(main.type()).isEqualTo(SioPacket.Type.CONNECT);
        assertThat(main.namespace()).isEqualTo("/");
        assertThat(main.data()).isNull();

        SioPacket custom = SioCodec.decode("0/admin,{\"token\":\"123\"}").packet();
        assertThat(custom.namespace()).isEqualTo("/admin");
        assertThat(custom.data().get("token").asText()).isEqualTo("123");

        assertThat(SioCodec.decode("0/random").packet().namespace()).isEqualTo("/random");
    }

    @Test
    void eventWithAckIdAndNamespace() throws Exception {
        SioPacket p = SioCodec.decode("2/chat,12[\"hello\",1,{\"a\":[true]}]").packet();
        assertThat(p.type()).isEqualTo(SioPacket.Type.EVENT);
        assertThat(p.namespace()).isEqualTo("/chat");
        assertThat(p.ackId()).isEqualTo(12);
        assertThat(p.data().get(0).asText()).isEqualTo("hello");
        assertThat(SioCodec.encode(p)).containsExactly(EnginePacket.message("2/chat,12[\"hello\",1,{\"a\":[true]}]"));
    }

    @Test
    void binaryEventCarriesPlaceholdersAndAttachments() throws Exception {
        SioCodec.Header h = SioCodec.decode("52-[\"photo\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]");
        assertThat(h.attachments()).isEqualTo(2);
        SioPacket p = SioCodec.reconstruct(h, List.of(new byte[] {1, 2}, new byte[] {3}));
        assertThat(p.type()).isEqualTo(SioPacket.Type.EVENT);
        assertThat(p.data().get(1).binaryValue()).containsExactly(1, 2);
        assertThat(p.data().get(2).get("x").binaryValue()).containsExactly(3);

        List<EnginePacket> wire = SioCodec.encode(p);
        assertThat(wire).hasSize(3);
        assertThat(wire.get(0).text())
                .isEqualTo("52-[\"photo\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]");
        assertThat(wire.get(1).bytes()).containsExactly(1, 2);
        assertThat(wire.get(2).bytes()).containsExactly(3);
    }

    @Test
    void ackWithBinaryBecomesBinaryAck() {
        ArrayNode args = Emitter.eventData("x", new byte[] {9});
        args.remove(0);
        List<EnginePacket> wire = SioCodec.encode(new SioPacket(SioPacket.Type.ACK, "/", 789, args));
        assertThat(wire.get(0).text()).isEqualTo("61-789[{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void connectErrorCarriesAMessageObject() {
        var err = Emitter.toJson(java.util.Map.of("message", "Invalid namespace"));
        assertThat(SioCodec.encode(new SioPacket(SioPacket.Type.CONNECT_ERROR, "/random", -1, err)).get(0).text())
                .isEqualTo("4/random,{\"message\":\"Invalid namespace\"}");
    }

    @Test
    void invalidPacketsAreRefused() {
        for (String bad : List.of("", "abc", "7", "2{}", "2abc[\"x\"]", "2[]", "2[1", "2[\"a\"]x", "0[1]", "1{}",
                "3[1]", "5[\"a\"]", "5x-[\"a\"]", "51-[\"a\"]", "51-[\"a\",{\"_placeholder\":true,\"num\":3}]",
                "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]",
                "2[\"connect\"]", "2[\"disconnect\",1]", "999-[\"a\"]", "2" + "[".repeat(100) + "]".repeat(100))) {
            assertThatThrownBy(() -> SioCodec.decode(bad)).as(bad).isInstanceOf(SioProtocolException.class);
        }
    }

    @Test
    void randomInputOnlyEverRaisesTheCodecsOwnError() {
        Random random = new Random(42);
        String alphabet = "0123456-/,[]{}\":_placeholdernum truefalse 9";
        for (int i = 0; i < 50_000; i++) {
            int n = random.nextInt(30);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < n; k++) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(256) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                SioCodec.Header h = SioCodec.decode(sb.toString());
                assertThat(h.packet().type()).isNotNull();
            } catch (SioProtocolException expected) {
                // the only failure allowed
            }
        }
        byte[] b = new byte[64];
        for (int i = 0; i < 5_000; i++) {
            random.nextBytes(b);
            try {
                SioCodec.decode("2" + new String(b, StandardCharsets.ISO_8859_1));
            } catch (SioProtocolException expected) {
                // fine
            }
        }
    }
}
