package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** signaling.allow-eio3: on by default, off from the config, the environment or an override; typed. */
class SignalingConfigTest {

    @Test
    void allowEio3IsOnByDefaultAndCanBeTurnedOff() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).signaling().allowEio3()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("SWITCHBOARD_SIGNALING_ALLOW_EIO3", "false"), Map.of())
                .signaling().allowEio3()).isFalse();
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("signaling.allow-eio3", false)).signaling().allowEio3())
                .isFalse();
    }

    @Test
    void allowEio3MustBeABoolean() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SWITCHBOARD_SIGNALING_ALLOW_EIO3", "maybe"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("signaling.allow-eio3");
    }

    @Test
    void theOlderConstructorKeepsEio3Allowed() {
        SignalingConfig s = ConfigLoader.load(null, Map.of(), Map.of()).signaling();
        SignalingConfig copy = new SignalingConfig(s.pingInterval(), s.pingTimeout(), s.connectTimeout(), s.maxPayload(),
                s.allowedOrigins(), s.roomCapacity(), s.codelabRoomCapacity(), s.maxMessageBytes(), s.messagesPerSecond(),
                s.messageBurst(), s.roomsPerConnection(), s.outboundQueueBytes());
        assertThat(copy).isEqualTo(s);
    }
}
