package dev.switchboard.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Rate-limited warnings on a hand-driven clock, read back from a Logback appender. */
class LogLimiterTest {
    final Logger logger = (Logger) LoggerFactory.getLogger("test.LogLimiterTest");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final AtomicLong now = new AtomicLong();
    final LogLimiter limiter = new LogLimiter(logger, Duration.ofSeconds(60), now::get);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(null);
    }

    @Test
    void oneLinePerKindAndIntervalThenTheCountLeftOut() {
        for (int i = 0; i < 1000; i++) {
            limiter.warn("refused", "refused {}", i);
            limiter.warn("other", "other {}", i);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("refused 0", "other 0");
        now.set(Duration.ofSeconds(61).toNanos());
        limiter.warn("refused", "refused {}", 1000);
        assertThat(lines.list.get(2).getFormattedMessage()).isEqualTo("refused 1000 (999 more like this in the PT1M before)");
        assertThat(lines.list.get(2).getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void aThrowableIsWrittenAsTextWithoutItsStackTrace() {
        IllegalStateException boom = new IllegalStateException("boom");
        limiter.warn("failed", "request {} failed", "/x", boom);
        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getFormattedMessage())
                .isEqualTo("request /x failed: java.lang.IllegalStateException: boom");
        assertThat(lines.list.get(0).getThrowableProxy()).isNull();
    }

    @Test
    void theStackTraceGoesToDebug() {
        logger.setLevel(Level.DEBUG);
        limiter.warn("failed", "request failed", new IllegalStateException("boom"));
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(0).getThrowableProxy()).isNull();
        assertThat(lines.list.get(1).getLevel()).isEqualTo(Level.DEBUG);
        assertThat(lines.list.get(1).getThrowableProxy().getMessage()).isEqualTo("boom");
    }
}
