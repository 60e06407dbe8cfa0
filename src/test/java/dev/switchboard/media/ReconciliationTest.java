package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up reconciliation: what a crash between a file and its row leaves is repaired before serving. */
class ReconciliationTest {
    @TempDir
    Path dataDir;
    MediaStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private Media put(String room, byte[] bytes) throws IOException {
        Upload u = store.begin();
        u.write(ByteBuffer.wrap(bytes));
        return store.commit(u.finish(), room, MediaType.JPEG).media();
    }

    private MediaStore reopen() throws IOException {
        store.close();
        store = MediaStore.open(dataDir, "", 2);
        store.reconcile();
        return store;
    }

    @Test
    void anOrphanFileAndARowWithoutItsFileAreBothRemovedAndCounted() throws Exception {
        store = MediaStore.open(dataDir, "", 2);
        Media kept = put("r", TestImages.jpeg(64, 48, 1));
        Media lost = put("r", TestImages.jpeg(64, 48, 2));
        // A crash after a file's rename into place but before its row: an orphan file.
        byte[] orphan = TestImages.jpeg(64, 48, 3);
        Path orphanPath = store.contentPath(TestImages.sha256(orphan));
        Files.createDirectories(orphanPath.getParent());
        Files.write(orphanPath, orphan);
        // A row whose file the disk lost.
        Files.delete(store.contentPath(lost.sha256()));

        reopen();
        assertThat(store.reconciledOrphanFiles()).isEqualTo(1);
        assertThat(store.reconciledRowsWithoutFile()).isEqualTo(1);
        assertThat(orphanPath).doesNotExist();
        assertThat(store.list("r", 10, null)).containsExactly(kept);
        assertThat(store.contentPath(kept.sha256())).exists();

        reopen();
        assertThat(store.reconciledOrphanFiles()).as("nothing left to repair").isZero();
        assertThat(store.reconciledRowsWithoutFile()).isZero();
    }

    @Test
    void whenMostFilesAreMissingTheRowsAreKeptAsTheVolumeLooksUnmounted() throws Exception {
        store = MediaStore.open(dataDir, "", 2);
        List<Media> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(put("r", TestImages.jpeg(32, 32, 100 + i)));
        }
        for (Media m : all) {
            Files.delete(store.contentPath(m.sha256()));
        }
        reopen();
        assertThat(store.reconciledRowsWithoutFile()).isZero();
        assertThat(store.count()).isEqualTo(12);
    }

    @Test
    void aDeletedPhotoLeavesNoRowAndNoFile() throws Exception {
        store = MediaStore.open(dataDir, "", 2);
        Media m = put("r", TestImages.jpeg(64, 48, 7));
        assertThat(store.delete(m.id())).contains(m);
        assertThat(store.find(m.id())).isEmpty();
        assertThat(store.contentPath(m.sha256())).doesNotExist();
        reopen();
        assertThat(store.reconciledOrphanFiles()).isZero();
        assertThat(store.find(m.id())).isEmpty();
    }
}
