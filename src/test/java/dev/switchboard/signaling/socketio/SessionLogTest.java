package dev.switchboard.signaling.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a session's log gives back to a client that returns with its last offset. */
class SessionLogTest {
    private static final long WINDOW = Duration.ofMinutes(2).toNanos();
    private final Emitter emitter = new Emitter(true);

    private List<EnginePacket> event(String name, Object... args) {
        return emitter.event("/", name, args);
    }

    private static String offsetOf(List<EnginePacket> encoded) {
        String t = encoded.get(0).text();
        return t.substring(t.lastIndexOf(",\"") + 2, t.length() - 2);
    }

    @Test
    void replaysWhatFollowsTheClientsLastOffsetInOrder() {
        SessionLog log = new SessionLog(WINDOW, 100, 1 << 20);
        List<EnginePacket> a = event("m", 1);
        List<EnginePacket> b = event("m", 2);
        List<EnginePacket> c = event("m", 3);
        log.add(a, 0);
        log.add(b, 1);
        log.away();
        log.add(c, 2);
        assertThat(log.after(offsetOf(a))).containsExactly(b.get(0), c.get(0));
        assertThat(log.after(offsetOf(c))).as("nothing missed").isEmpty();
        assertThat(log.after("unknown.1")).as("not held").isNull();
    }

    @Test
    void aTakenOverSessionsBoxComesBeforeWhatArrivedMeanwhileAndWhatIsInBothIsKeptOnce() {
        SessionLog log = new SessionLog(WINDOW, 100, 1 << 20);
        List<EnginePacket> a = event("m", 1);
        List<EnginePacket> b = event("m", 2);
        List<EnginePacket> c = event("m", 3);
        List<EnginePacket> d = event("m", 4);
        log.away();
        // b and c reached this node's subscription while the box was read; c and d after it
        log.add(b, 10);
        log.add(c, 11);
        log.add(d, 12);
        log.seed(List.of(a, b, c), 13);
        assertThat(log.size()).isEqualTo(4);
        assertThat(log.after(offsetOf(a))).containsExactly(b.get(0), c.get(0), d.get(0));
        assertThat(log.after(null)).containsExactly(a.get(0), b.get(0), c.get(0), d.get(0));
    }

    @Test
    void aTakenOverSessionsMissedSendsAreThoseCaughtHereAndNotInItsBox() {
        SessionLog log = new SessionLog(WINDOW, 2, 1 << 20);
        log.away();
        List<EnginePacket> a = event("m", 1);
        List<EnginePacket> b = event("m", 2);
        assertThat(log.add(a, 0)).isTrue();
        assertThat(log.add(b, 1)).isTrue();
        log.seed(List.of(a), 2); // a was in the box (the client may have seen it); b was not
        assertThat(log.add(event("m", 3), 3)).as("b and this one: 2 missed").isTrue();
        assertThat(log.add(event("m", 4), 4)).as("the third missed send is past the limit of 2").isFalse();
    }

    @Test
    void whatABoxHoldsAndTheLogLacksIsWhatACutSubscriptionDidNotDeliver() {
        SessionLog log = new SessionLog(WINDOW, 100, 1 << 20);
        List<EnginePacket> a = event("m", 1);
        List<EnginePacket> b = event("m", 2);
        List<EnginePacket> c = event("m", 3);
        List<EnginePacket> d = event("m", 4);
        log.add(a, 0);
        log.add(d, 1); // b and c went while the subscription was cut; d came after it was back
        // the box's copies are other objects with the same text (decoded from Redis)
        List<List<EnginePacket>> box = List.of(copy(a), copy(b), copy(c), copy(d));
        assertThat(log.missing(box)).containsExactly(box.get(1), box.get(2));
    }

    private static List<EnginePacket> copy(List<EnginePacket> send) {
        return List.of(EnginePacket.message(send.get(0).text()));
    }

    @Test
    void everyEventEncodedCarriesADistinctOffsetAsItsLastArgument() {
        String x = offsetOf(event("m", "a"));
        String y = offsetOf(event("m", "a"));
        assertThat(x).isNotEqualTo(y).matches("[0-9a-z]+\\.[0-9a-z]+");
        assertThat(Emitter.plain().event("/", "m", "a").get(0).text()).isEqualTo("2[\"m\",\"a\"]");
    }

    @Test
    void anOffsetInsideASendOfSeveralEventsReplaysTheRestOfIt() {
        SessionLog log = new SessionLog(WINDOW, 100, 1 << 20);
        List<EnginePacket> first = event("bye", "room", "id");
        List<EnginePacket> second = event("message", "bye");
        log.add(List.of(first.get(0), second.get(0)), 0);
        assertThat(log.after(offsetOf(first))).containsExactly(second.get(0));
    }

    @Test
    void aBinaryEventsAttachmentsAreNotReplayedAfterItsOwnOffset() {
        SessionLog log = new SessionLog(WINDOW, 100, 1 << 20);
        List<EnginePacket> bin = event("file", new byte[] {1, 2, 3});
        List<EnginePacket> next = event("m", 1);
        assertThat(bin).hasSize(2);
        log.add(bin, 0);
        log.add(next, 1);
        String header = bin.get(0).text();
        String offset = header.substring(header.lastIndexOf(",\"") + 2, header.length() - 2);
        assertThat(log.after(offset)).containsExactly(next.get(0));
    }

    @Test
    void withoutAnOffsetEverythingIsReplayedUnlessSomethingWasForgotten() {
        SessionLog log = new SessionLog(WINDOW, 2, 1 << 20);
        List<EnginePacket> a = event("m", 1);
        log.add(a, 0);
        assertThat(log.after(null)).containsExactly(a.get(0));
        log.add(event("m", 2), 1);
        log.add(event("m", 3), 2);
        assertThat(log.after(null)).isNull();
    }

    @Test
    void entriesOlderThanTheWindowGoButTheNewestOfThemStays() {
        SessionLog log = new SessionLog(WINDOW, 100, 1 << 20);
        List<EnginePacket> a = event("m", 1);
        List<EnginePacket> b = event("m", 2);
        log.add(a, 0);
        log.add(b, 1);
        long later = WINDOW + 10;
        List<EnginePacket> c = event("m", 3);
        log.add(c, later);
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.after(offsetOf(a))).as("older than the window, not the newest of those").isNull();
        assertThat(log.after(offsetOf(b))).as("a quiet session keeps its last event").containsExactly(c.get(0));
    }

    @Test
    void whileConnectedTheOldestGoPastTheCap() {
        SessionLog log = new SessionLog(WINDOW, 3, 1 << 20);
        List<EnginePacket> first = event("m", 0);
        log.add(first, 0);
        for (int i = 1; i < 10; i++) {
            assertThat(log.add(event("m", i), i)).isTrue();
        }
        assertThat(log.size()).isEqualTo(3);
        assertThat(log.after(offsetOf(first))).isNull();
    }

    @Test
    void missingMoreThanTheCapWhileAwayMakesTheSessionUnrecoverable() {
        SessionLog log = new SessionLog(WINDOW, 3, 1 << 20);
        log.add(event("m", 0), 0);
        log.away();
        assertThat(log.add(event("m", 1), 1)).isTrue();
        assertThat(log.add(event("m", 2), 2)).isTrue();
        assertThat(log.add(event("m", 3), 3)).isTrue();
        assertThat(log.add(event("m", 4), 4)).as("the fourth missed event").isFalse();
    }

    @Test
    void missingMoreBytesThanTheLimitWhileAwayMakesTheSessionUnrecoverable() {
        SessionLog log = new SessionLog(WINDOW, 1000, 100);
        log.away();
        assertThat(log.add(event("m", "x".repeat(60)), 0)).isTrue();
        assertThat(log.add(event("m", "y".repeat(60)), 1)).isFalse();
    }

    @Test
    void backFromAwayTheCountStartsAgain() {
        SessionLog log = new SessionLog(WINDOW, 2, 1 << 20);
        log.away();
        log.add(event("m", 1), 0);
        log.add(event("m", 2), 1);
        log.back();
        for (int i = 0; i < 5; i++) {
            assertThat(log.add(event("m", i), 2 + i)).isTrue();
        }
        log.away();
        assertThat(log.add(event("m", 9), 10)).isTrue();
    }
}
