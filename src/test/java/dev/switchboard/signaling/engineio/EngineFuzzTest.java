package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the Engine.IO codecs (Jazzer), both revisions: packets and long-polling
 * payloads (v3 text and binary). Any input decodes or raises {@link EngineProtocolException}; what
 * decodes encodes to text that decodes to equal packets. Every buffer is released.
 */
class EngineFuzzTest {
    static final int MAX_PACKETS = 64;

    @FuzzTest(maxDuration = "5m")
    void v4(byte[] data) throws EngineProtocolException {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            EnginePacket p = EngineCodec.decodePacket(s);
            if (!p.isBinary()) {
                assertThat(EngineCodec.decodePacket(EngineCodec.encodePacket(p))).isEqualTo(p);
            }
        } catch (EngineProtocolException refused) {
            // the codec's own error
        }
        List<EnginePacket> packets;
        try {
            packets = EngineCodec.decodePayload(s, MAX_PACKETS);
        } catch (EngineProtocolException refused) {
            return;
        }
        assertThat(packets.size()).isLessThanOrEqualTo(MAX_PACKETS);
        assertThat(EngineCodec.decodePayload(EngineCodec.encodePayload(packets), MAX_PACKETS)).isEqualTo(packets);
    }

    @FuzzTest(maxDuration = "5m")
    void v3(byte[] data) throws EngineProtocolException {
        try {
            EnginePacket p = EngineCodecV3.decodePacket(new String(data, StandardCharsets.UTF_8));
            assertThat(EngineCodecV3.decodePacket(EngineCodecV3.encodePacket(p))).isEqualTo(p);
        } catch (EngineProtocolException refused) {
            // the codec's own error
        }
        if (data.length == 0) {
            return;
        }
        ByteBuf body = Unpooled.wrappedBuffer(data);
        List<EnginePacket> packets;
        try {
            packets = EngineCodecV3.decodePayload(body, MAX_PACKETS);
        } catch (EngineProtocolException refused) {
            return;
        } finally {
            assertThat(body.release()).isTrue();
        }
        assertThat(packets.size()).isLessThanOrEqualTo(MAX_PACKETS);
        if (EngineCodecV3.hasBinary(packets)) {
            ByteBuf out = EngineCodecV3.encodeBinaryPayload(packets);
            try {
                assertThat(EngineCodecV3.decodeBinaryPayload(out, MAX_PACKETS)).isEqualTo(packets);
            } finally {
                out.release();
            }
        } else {
            assertThat(EngineCodecV3.decodeTextPayload(EngineCodecV3.encodePayload(packets), MAX_PACKETS))
                    .isEqualTo(packets);
        }
    }
}
