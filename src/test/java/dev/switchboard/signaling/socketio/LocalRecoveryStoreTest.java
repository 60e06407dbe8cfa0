package dev.switchboard.signaling.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store's window, driven by a clock the test moves (no sleeps). */
class LocalRecoveryStoreTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final LocalRecoveryStore store = new LocalRecoveryStore(Duration.ofMinutes(2), now::get);
    private final List<String> expired = new ArrayList<>();

    private RecoveryStore.Parked session(String pid) {
        return new RecoveryStore.Parked() {
            @Override
            public String pid() {
                return pid;
            }

            @Override
            public void expired() {
                expired.add(pid);
            }
        };
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aSessionClaimedWithinTheWindowIsGivenBackOnce() {
        RecoveryStore.Parked s = session("p1");
        store.park(s);
        advance(Duration.ofSeconds(119));
        assertThat(store.claim("p1").join()).isSameAs(s);
        assertThat(store.claim("p1").join()).as("claimed already").isNull();
        assertThat(store.size()).isZero();
        assertThat(expired).isEmpty();
    }

    @Test
    void aClaimAtTheEndOfTheWindowFindsNothingAndTheSessionExpires() {
        store.park(session("p1"));
        advance(Duration.ofMinutes(2));
        assertThat(store.claim("p1").join()).isNull();
        assertThat(expired).containsExactly("p1");
    }

    @Test
    void anUnknownPidFindsNothing() {
        assertThat(store.claim("nobody").join()).isNull();
        assertThat(expired).isEmpty();
    }

    @Test
    void expireEndsOnlyASessionWhoseWindowIsOver() {
        store.park(session("p1"));
        advance(Duration.ofSeconds(60));
        store.park(session("p2"));
        assertThat(store.expire("p1")).as("still waiting").isTrue();
        assertThat(expired).isEmpty();
        advance(Duration.ofSeconds(60));
        assertThat(store.expire("p1")).isFalse();
        assertThat(store.expire("p2")).isTrue();
        assertThat(expired).containsExactly("p1");
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.expire("p1")).isFalse();
        assertThat(expired).as("expires once").containsExactly("p1");
    }

    @Test
    void aDroppedSessionCannotBeClaimedNorExpires() {
        RecoveryStore.Parked s = session("p1");
        store.park(s);
        assertThat(store.drop(s)).isTrue();
        assertThat(store.drop(s)).isFalse();
        assertThat(store.claim("p1").join()).isNull();
        advance(Duration.ofMinutes(3));
        assertThat(store.expire("p1")).isFalse();
        assertThat(expired).isEmpty();
    }

    @Test
    void dropLeavesAnotherSessionUnderTheSamePidAlone() {
        RecoveryStore.Parked old = session("p1");
        RecoveryStore.Parked current = session("p1");
        store.park(current);
        assertThat(store.drop(old)).isFalse();
        assertThat(store.claim("p1").join()).isSameAs(current);
    }
}
