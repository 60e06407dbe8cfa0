package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The share inbox: shares expire, and all of them together stay under the quota and the count. */
class ShareInboxTest {
    @TempDir
    Path dir;
    private MediaStore store;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private ShareInbox inbox(long quota, int shares) throws Exception {
        if (store == null) {
            store = MediaStore.open(dir, "", 2);
        }
        return new ShareInbox(store, quota, shares, Duration.ofHours(1), clock);
    }

    private static ShareInbox.Share keep(ShareInbox inbox, int bytes) throws Exception {
        ShareInbox.Draft d = inbox.begin();
        d.newFile("a.bin", "application/octet-stream");
        d.write(ByteBuffer.allocate(bytes));
        return d.commit("", "", "");
    }

    private long folders() throws Exception {
        try (Stream<Path> f = Files.list(dir.resolve("media").resolve("inbox"))) {
            return f.count();
        }
    }

    @Test
    void sharesTogetherStayUnderTheQuotaAndFreeItWhenTaken() throws Exception {
        ShareInbox inbox = inbox(1000, 10);
        ShareInbox.Share first = keep(inbox, 600);
        ShareInbox.Draft second = inbox.begin();
        second.newFile("b.bin", "");
        second.write(ByteBuffer.allocate(400));
        assertThatThrownBy(() -> second.write(ByteBuffer.allocate(1))).isInstanceOf(ShareInbox.Full.class);
        second.discard();
        assertThat(inbox.delete(first.id())).isTrue();
        assertThat(inbox.find(first.id())).isEmpty();
        keep(inbox, 1000);
        assertThat(inbox(1000, 10).begin()).as("the quota is counted again at start").satisfies(d -> {
            d.newFile("c", "");
            assertThatThrownBy(() -> d.write(ByteBuffer.allocate(1))).isInstanceOf(ShareInbox.Full.class);
            d.discard();
        });
    }

    @Test
    void sharesExpireAndTooManyWaitingAreRefused() throws Exception {
        ShareInbox inbox = inbox(1 << 20, 2);
        ShareInbox.Share a = keep(inbox, 10);
        keep(inbox, 10);
        assertThatThrownBy(inbox::begin).isInstanceOf(ShareInbox.Full.class);
        now = now.plus(Duration.ofMinutes(61));
        assertThat(inbox.find(a.id())).as("expired").isEmpty();
        keep(inbox, 10); // begin sweeps the expired ones
        assertThat(folders()).isEqualTo(1);
    }

    @Test
    void aShareCutOffByAStopIsRemovedAtStart() throws Exception {
        ShareInbox inbox = inbox(1 << 20, 4);
        ShareInbox.Draft d = inbox.begin();
        d.newFile("a", "");
        d.write(ByteBuffer.allocate(100));
        assertThat(inbox.find(d.id())).as("not visible before commit").isEmpty();
        inbox(1 << 20, 4);
        assertThat(folders()).isZero();
    }
}
