package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * signaling.allow-eio3: on by default, off from the config, the environment or an override; typed.
 * signaling.recovery-window: 2 minutes by default, 0 turns recovery off, from the environment too.
 */
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

    @Test
    void recoveryWindowIsTwoMinutesByDefaultAndZeroTurnsItOff() {
        SignalingConfig d = ConfigLoader.load(null, Map.of(), Map.of()).signaling();
        assertThat(d.recoveryWindow()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(d.recoveryEnabled()).isTrue();
        assertThat(d.recoveryMaxPackets()).isEqualTo(1000);
        SignalingConfig env = ConfigLoader.load(null, Map.of("SWITCHBOARD_SIGNALING_RECOVERY_WINDOW", "30s"), Map.of()).signaling();
        assertThat(env.recoveryWindow()).isEqualTo(java.time.Duration.ofSeconds(30));
        SignalingConfig off = ConfigLoader.load(null, Map.of(), Map.of("signaling.recovery-window", "0")).signaling();
        assertThat(off.recoveryEnabled()).isFalse();
    }

    @Test
    void recoveryWindowMustBeADurationOfAtMostAnHour() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SWITCHBOARD_SIGNALING_RECOVERY_WINDOW", "soon"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("signaling.recovery-window");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("signaling.recovery-window", "2h")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("signaling.recovery-window");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("signaling.recovery-max-packets", 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("signaling.recovery-max-packets");
    }
}
