package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    @Test
    void roundTripsTextAndBinaryPacketsAndNames() {
        byte[] bin = new byte[70_000];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) i;
        }
        Envelope e = new Envelope(Envelope.Kind.TARGETED, "node-1", "from-ä", "to",
                List.of(EnginePacket.message("451-[\"message\",{\"_placeholder\":true,\"num\":0}]"), EnginePacket.binary(bin)));
        Envelope back = Envelope.decode(e.encode());
        assertThat(back).isEqualTo(e);
        assertThat(Envelope.decode(new Envelope(Envelope.Kind.LEFT, "n", "x", "", List.of()).encode()).packets()).isEmpty();
    }

    @Test
    void entriesOfANodesSetParseBack() {
        RedisKeys.Entry e = new RedisKeys.Entry(new RoomKey(RoomKind.CODELAB, "lab-1"), "abc_-");
        assertThat(RedisKeys.Entry.parse(e.bytes())).isEqualTo(e);
        assertThat(RedisKeys.Entry.parse("junk".getBytes())).isNull();
    }
}
