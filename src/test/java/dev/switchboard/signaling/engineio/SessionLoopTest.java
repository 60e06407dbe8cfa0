package dev.switchboard.signaling.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionLoopTest {
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
    private final EventLoop a = group.next();
    private final EventLoop b = group.next();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void workHandedInRunsInEachSendersOrderOneTaskAtATimeOnTheCurrentLoopAcrossAMove() throws Exception {
        assertThat(a).isNotSameAs(b);
        SessionLoop s = new SessionLoop(a);
        int perSender = 20_000;
        List<int[]> seen = new ArrayList<>(); // touched by the session's tasks only
        AtomicInteger running = new AtomicInteger();
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicReference<Thread> lastThread = new AtomicReference<>();
        Thread[] senders = new Thread[2];
        for (int t = 0; t < senders.length; t++) {
            int sender = t;
            senders[t] = new Thread(() -> {
                for (int i = 0; i < perSender; i++) {
                    int n = i;
                    s.execute(() -> {
                        if (running.incrementAndGet() != 1) {
                            wrong.compareAndSet(null, "two tasks at once");
                        }
                        if (!s.current().inEventLoop()) {
                            wrong.compareAndSet(null, "a task off the session's loop: " + Thread.currentThread());
                        }
                        seen.add(new int[] {sender, n});
                        lastThread.set(Thread.currentThread());
                        if (sender == 0 && n == perSender / 2) {
                            s.moving(); // what EngineSocket.moveTo does: done after this task, on the old loop
                            a.execute(() -> s.moved(b));
                        }
                        running.decrementAndGet();
                    });
                }
            });
        }
        for (Thread t : senders) {
            t.start();
        }
        for (Thread t : senders) {
            t.join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> b.submit(seen::size).get() == 2 * perSender);
        assertThat(wrong.get()).isNull();
        int[] next = new int[2];
        for (int[] e : b.submit(() -> List.copyOf(seen)).get()) {
            assertThat(e[1]).as("sender %d's task", e[0]).isEqualTo(next[e[0]]++);
        }
        assertThat(s.current()).isSameAs(b);
        assertThat(lastThread.get()).isSameAs(b.submit(Thread::currentThread).get());
    }

    @Test
    void codeOnTheLoopRunsAtOnceOnlyWhenNothingHandedInEarlierWaits() throws Exception {
        SessionLoop s = new SessionLoop(a);
        assertThat(a.submit(s::inEventLoop).get()).isTrue();
        assertThat(s.inEventLoop()).as("another thread").isFalse();
        CountDownLatch handedIn = new CountDownLatch(1);
        var whileWaiting = a.submit(() -> {
            handedIn.await();
            return s.inEventLoop();
        });
        AtomicReference<Boolean> inTask = new AtomicReference<>();
        s.execute(() -> inTask.set(s.inEventLoop()));
        handedIn.countDown();
        assertThat(whileWaiting.get()).as("on the loop with a task waiting").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> inTask.get() != null);
        assertThat(inTask.get()).as("inside the task").isTrue();
        assertThat(a.submit(s::inEventLoop).get()).as("after it").isTrue();
        a.submit(s::moving).get();
        assertThat(a.submit(s::inEventLoop).get()).as("while moving").isFalse();
    }

    @Test
    void aTimerSetBeforeAMoveFiresOnTheNewLoopAndACancelledOneNever() throws Exception {
        SessionLoop s = new SessionLoop(a);
        AtomicReference<Thread> fired = new AtomicReference<>();
        AtomicInteger cancelledRan = new AtomicInteger();
        SessionLoop.Timer[] timers = a.submit(() -> new SessionLoop.Timer[] {
            s.schedule(() -> fired.set(Thread.currentThread()), 100, TimeUnit.MILLISECONDS),
            s.schedule(cancelledRan::incrementAndGet, 100, TimeUnit.MILLISECONDS)}).get();
        a.submit(() -> {
            s.moving();
            a.execute(() -> s.moved(b));
        }).get();
        CountDownLatch cancelled = new CountDownLatch(1);
        s.execute(() -> {
            timers[1].cancel();
            cancelled.countDown();
        });
        assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> fired.get() != null);
        assertThat(fired.get()).isSameAs(b.submit(Thread::currentThread).get());
        assertThat(timers[0].isDone()).isTrue();
        Thread.sleep(200); // past the second timer's time: it must not run (there is no event to wait for)
        assertThat(cancelledRan.get()).isZero();
    }
}
