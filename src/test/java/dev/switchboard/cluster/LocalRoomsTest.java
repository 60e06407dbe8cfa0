package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-process rooms: capacity, order, targeted sends, leave, and futures complete on return. */
class LocalRoomsTest {

    /** A member that records what it is sent. */
    record Recorder(String id, String name, ConcurrentLinkedQueue<String> got) implements Member {
        Recorder(String id) {
            this(id, "N-" + id, new ConcurrentLinkedQueue<>());
        }

        @Override
        public void deliver(List<EnginePacket> encoded) {
            for (EnginePacket p : encoded) {
                got.add(p.text());
            }
        }
    }

    static List<EnginePacket> msg(String text) {
        return List.of(EnginePacket.message(text));
    }

    final LocalRooms rooms = new LocalRooms();
    final RoomKey key = new RoomKey(RoomKind.MESH, "r");

    ClusterRoom join(RoomKey k, int capacity, Member m) {
        var f = rooms.join(k, capacity, m);
        assertThat(f).as("local joins complete before they return").isDone();
        return f.join().room();
    }

    @Test
    void capacityHoldsAndAPlaceOpensWhenAMemberLeaves() {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        Recorder c = new Recorder("c");
        ClusterRoom ra = join(key, 2, a);
        Joined jb = rooms.join(key, 2, b).join();
        assertThat(jb.ok()).isTrue();
        assertThat(jb.members()).containsExactly(new MemberInfo("a", "N-a"), new MemberInfo("b", "N-b"));
        assertThat(rooms.join(key, 2, c).join().ok()).as("third of two").isFalse();
        ra.leave(a, null);
        assertThat(rooms.join(key, 2, c).join().ok()).isTrue();
        assertThat(rooms.join(new RoomKey(RoomKind.CODELAB, "r"), 2, c).join().ok())
                .as("the same name in the other protocol is another room").isTrue();
    }

    @Test
    void racingJoinsNeverExceedCapacity() throws Exception {
        for (int round = 0; round < 50; round++) {
            RoomKey k = new RoomKey(RoomKind.MESH, "race-" + round);
            int threads = 8;
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Recorder m = new Recorder("m" + i);
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (rooms.join(k, 3, m).join().ok()) {
                        ok.incrementAndGet();
                    }
                });
                t.start();
                ts.add(t);
            }
            start.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertThat(ok.get()).isEqualTo(3);
        }
    }

    @Test
    void broadcastKeepsOrderAndSkipsTheSender() {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        Recorder c = new Recorder("c");
        ClusterRoom ra = join(key, 8, a);
        join(key, 8, b);
        join(key, 8, c);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add("m" + i);
            assertThat(ra.broadcast(a, msg("m" + i))).isDone();
        }
        assertThat(b.got()).containsExactlyElementsOf(sent);
        assertThat(c.got()).containsExactlyElementsOf(sent);
        assertThat(a.got()).as("the sender does not hear itself").isEmpty();
        ra.broadcast(null, msg("all"));
        assertThat(a.got()).containsExactly("all");
    }

    @Test
    void sendToReachesOnlyTheTargetAndSaysWhenThereIsNone() {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        Recorder c = new Recorder("c");
        ClusterRoom ra = join(key, 8, a);
        join(key, 8, b);
        join(key, 8, c);
        assertThat(ra.sendTo(a, "b", msg("hi")).join()).isTrue();
        assertThat(ra.sendTo(a, "nobody", msg("lost")).join()).isFalse();
        assertThat(b.got()).containsExactly("hi");
        assertThat(c.got()).isEmpty();
    }

    @Test
    void leaveSendsTheFarewellToTheOthersAndTheRoomEndsWithItsLastMember() {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        ClusterRoom ra = join(key, 8, a);
        ClusterRoom rb = join(key, 8, b);
        assertThat(rooms.localRoomCount()).isEqualTo(1);
        rb.leave(b, msg("bye-b"));
        assertThat(a.got()).containsExactly("bye-b");
        assertThat(b.got()).isEmpty();
        assertThat(ra.members()).containsExactly(new MemberInfo("a", "N-a"));
        ra.broadcast(a, msg("after"));
        assertThat(b.got()).as("a member that left hears nothing more").isEmpty();
        ra.leave(a, msg("bye-a"));
        assertThat(rooms.localRoomCount()).isZero();
    }

    @Test
    void publishReachesEveryMemberOfTheRoomOnly() {
        Recorder a = new Recorder("a");
        Recorder other = new Recorder("o");
        join(key, 8, a);
        join(new RoomKey(RoomKind.MESH, "elsewhere"), 8, other);
        assertThat(rooms.publish(key, msg("media-added"))).isDone();
        assertThat(a.got()).containsExactly("media-added");
        assertThat(other.got()).isEmpty();
        assertThat(rooms.health()).isEqualTo(new RoomCluster.Health("local", true));
    }
}
