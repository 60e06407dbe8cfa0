package dev.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PlacementTest {
    @Test
    void packedLoopsOpenOneMoreLoopWhileTheOpenOnesAreBusyAndCloseItWhenIdle() throws Exception {
        // windows of 100 ms here (a second in the server), two in a row before a change
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(4, (Executor) null,
                new PackedChooser(100, TimeUnit.MILLISECONDS, Placement.BUSY, Placement.IDLE, Placement.PATIENCE),
                NioIoHandler.newFactory());
        try {
            assertThat(placed(group)).as("idle: one loop takes new connections").hasSize(1);
            EventExecutor first = placed(group).iterator().next();
            AtomicBoolean spin = new AtomicBoolean(true);
            Future<?> busy = first.submit(() -> {
                while (spin.get()) {
                    Thread.onSpinWait();
                }
            });
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> placed(group).size() == 2);
                assertThat(placed(group)).contains(first);
            } finally {
                spin.set(false);
            }
            busy.sync();
            await().atMost(Duration.ofSeconds(5)).until(() -> placed(group).size() == 1);
            assertThat(placed(group)).containsExactly(first);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theServersLoopsArePackedUnlessSpreadIsAsked() {
        try (EventLoops packed = new EventLoops(4, Transport.fromEnvironment(), Placement.PACKED);
             EventLoops spread = new EventLoops(4, Transport.fromEnvironment(), Placement.SPREAD)) {
            assertThat(placed(packed.workers())).hasSize(1);
            assertThat(placed(spread.workers())).hasSize(4);
        }
        assertThat(Placement.fromEnvironment()).isEqualTo(Placement.PACKED);
        System.setProperty("switchboard.loops", "sideways");
        try {
            assertThatThrownBy(Placement::fromEnvironment).hasMessageContaining("sideways is not packed or spread");
        } finally {
            System.clearProperty("switchboard.loops");
        }
    }

    /** The loops the next sixteen new connections would join. */
    private static Set<EventExecutor> placed(EventExecutorGroup group) {
        Set<EventExecutor> s = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            s.add(group.next());
        }
        return s;
    }
}
