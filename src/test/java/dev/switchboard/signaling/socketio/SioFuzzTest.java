package dev.switchboard.signaling.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Coverage-guided fuzzing of the Socket.IO codec (Jazzer): headers with attachment counts and
 * placeholders, events. Any input decodes or raises {@link SioProtocolException}; a decoded packet is
 * rebuilt with attachments from the input, encoded (header, then one binary packet per attachment) and
 * decoded again to an equal packet.
 */
class SioFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void packets(FuzzedDataProvider in) throws SioProtocolException {
        String text = in.consumeString(4096);
        try {
            RawEvent raw = SioCodec.decodeEvent(text);
            if (raw != null) {
                raw.data(); // the tree a handler asks for later: same rule
            }
        } catch (SioProtocolException refused) {
            // the codec's own error
        }
        SioCodec.Header h;
        try {
            h = SioCodec.decode(text);
        } catch (SioProtocolException refused) {
            return;
        }
        assertThat(h.attachments()).isBetween(0, 999);
        SioPacket p = h.packet();
        if (p.type() == SioPacket.Type.BINARY_EVENT || p.type() == SioPacket.Type.BINARY_ACK) {
            List<byte[]> buffers = new ArrayList<>();
            for (int i = 0; i < h.attachments(); i++) {
                buffers.add(in.consumeBytes(64));
            }
            p = SioCodec.reconstruct(h, buffers);
        }
        List<EnginePacket> wire = SioCodec.encode(p);
        SioCodec.Header back = SioCodec.decode(wire.get(0).text());
        assertThat(back.attachments()).isEqualTo(wire.size() - 1);
        SioPacket again = back.attachments() == 0 ? back.packet()
                : SioCodec.reconstruct(back, wire.subList(1, wire.size()).stream().map(EnginePacket::bytes).toList());
        assertThat(again.type()).isEqualTo(p.type());
        assertThat(again.namespace()).isEqualTo(p.namespace());
        assertThat(again.ackId()).isEqualTo(p.ackId());
        assertThat(p.data() == null ? again.data() == null : p.data().equals(SAME_VALUE, again.data()))
                .as("%s relayed as %s", p.data(), again.data()).isTrue();
    }

    /** JSON equality where numbers compare by value: 6E+2 written back as 600 is the same number. */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> a.equals(b)
            || (a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0) ? 0 : 1;
}
