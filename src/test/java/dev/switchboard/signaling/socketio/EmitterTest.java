package dev.switchboard.signaling.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offsets on events, and Socket.IO 2.x clients getting the events without them. */
class EmitterTest {
    private final Emitter emitter = new Emitter(true);

    @Test
    void anEventWithoutItsOffsetIsTheEventAsEncodedWithoutRecovery() {
        List<EnginePacket> with = emitter.event("/", "created", "room", "id");
        assertThat(with.get(0).text()).startsWith("2[\"created\",\"room\",\"id\",\"");
        assertThat(Emitter.withoutOffsets(with)).extracting(EnginePacket::text)
                .containsExactly(Emitter.plain().event("/", "created", "room", "id").get(0).text());
    }

    @Test
    void everyEventOfASendLosesItsOffsetAndAttachmentsStay() {
        List<EnginePacket> bin = emitter.event("/", "file", new byte[] {1});
        List<EnginePacket> both = List.of(emitter.event("/", "bye", "r", "i").get(0), bin.get(0), bin.get(1));
        List<EnginePacket> out = Emitter.withoutOffsets(both);
        assertThat(out.get(0).text()).isEqualTo("2[\"bye\",\"r\",\"i\"]");
        assertThat(out.get(1).text()).isEqualTo("51-[\"file\",{\"_placeholder\":true,\"num\":0}]");
        assertThat(out.get(2)).isSameAs(bin.get(1));
    }

    @Test
    void aRelayedClientEventGetsAnOffsetBeforeItsClosingBracket() {
        RawEvent raw = new RawEvent("2[\"message\",{\"a\":1}]  ", "/", -1, 1, "message");
        String text = emitter.relay(raw).get(0).text();
        assertThat(text).matches("2\\[\"message\",\\{\"a\":1},\"[0-9a-z]+\\.[0-9a-z]+\"]");
        assertThat(Emitter.withoutOffsets(emitter.relay(raw)).get(0).text()).isEqualTo("2[\"message\",{\"a\":1}]");
    }

    @Test
    void anEventWhoseLastArgumentIsAnOrdinaryStringIsLeftAlone() {
        List<EnginePacket> plain = Emitter.plain().event("/", "message", "bye");
        assertThat(Emitter.withoutOffsets(plain)).isSameAs(plain);
    }
}
