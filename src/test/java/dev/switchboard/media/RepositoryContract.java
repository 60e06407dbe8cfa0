package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link MediaRepository} promises, run against each database the store supports (one subclass
 * per database): the same migrations, the same SQL, the same answers.
 */
abstract class RepositoryContract {
    @TempDir
    Path dataDir;
    Database db;
    MediaRepository rows;

    /** The JDBC URL to test ("" for the embedded SQLite). */
    abstract String url() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dataDir, url(), 2);
        rows = new MediaRepository(db);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    private static Media media(String room, char digest, MediaType type, long size, Instant at) {
        return new Media(MediaId.random(), room, type, size, String.valueOf(digest).repeat(64), at);
    }

    @Test
    void aRowComesBackAsWrittenWithItsInstantToTheMillisecond() throws Exception {
        Media m = media("r", 'a', MediaType.JPEG, 1234, T0);
        assertThat(rows.insert(m)).isTrue();
        assertThat(rows.find(m.id())).contains(m);
        assertThat(rows.findInRoom("r", m.sha256())).contains(m);
        assertThat(rows.count()).isEqualTo(1);
    }

    @Test
    void theSameBytesTwiceInOneRoomAreOneRowButTwoRoomsShareTheFile() throws Exception {
        assertThat(rows.insert(media("r", 'a', MediaType.JPEG, 1, T0))).isTrue();
        assertThat(rows.insert(media("r", 'a', MediaType.PNG, 1, T0))).as("unique (room, sha256)").isFalse();
        assertThat(rows.insert(media("s", 'a', MediaType.JPEG, 1, T0))).isTrue();
        assertThat(rows.references("a".repeat(64))).isEqualTo(2);
        assertThat(rows.digests()).containsExactly("a".repeat(64));
    }

    @Test
    void listingIsNewestFirstPagedByBeforeAndFilteredByKind() throws Exception {
        Media p1 = media("r", '1', MediaType.JPEG, 1, T0);
        Media p2 = media("r", '2', MediaType.PNG, 1, T0.plusSeconds(1));
        Media file = media("r", '3', MediaType.FILE, 1, T0.plusSeconds(2));
        Media rec = media("r", '4', MediaType.WEBM, 1, T0.plusSeconds(3));
        Media other = media("o", '5', MediaType.JPEG, 1, T0);
        for (Media m : List.of(p1, p2, file, rec, other)) {
            assertThat(rows.insert(m)).isTrue();
        }
        assertThat(rows.list("r", 10, null, MediaKind.PHOTO)).containsExactly(p2, p1);
        assertThat(rows.list("r", 10, null, null)).as("gallery: no files").containsExactly(rec, p2, p1);
        assertThat(rows.list("r", 1, null, null)).containsExactly(rec);
        assertThat(rows.list("r", 10, rec.id(), null)).containsExactly(p2, p1);
        assertThat(rows.list("r", 10, other.id(), null)).as("before from another room").isEmpty();
        assertThat(rows.list("r", 10, null, MediaKind.FILE)).containsExactly(file);
    }

    @Test
    void changeTypeDeleteAndDeleteByDigest() throws Exception {
        Media f = media("r", 'a', MediaType.FILE, 5, T0);
        rows.insert(f);
        assertThat(rows.changeType(f.id(), MediaType.JPEG)).isTrue();
        assertThat(rows.list("r", 10, null, MediaKind.PHOTO)).hasSize(1);
        assertThat(rows.delete(f.id())).isTrue();
        assertThat(rows.delete(f.id())).isFalse();
        assertThat(rows.find(f.id())).isEmpty();
        rows.insert(media("r", 'b', MediaType.JPEG, 1, T0));
        rows.insert(media("s", 'b', MediaType.JPEG, 1, T0));
        assertThat(rows.deleteByDigest("b".repeat(64))).isEqualTo(2);
        assertThat(rows.count()).isZero();
    }

    @Test
    void retentionQueriesCompareInstantsAndSumSizes() throws Exception {
        Media old = media("r", 'a', MediaType.JPEG, 10_000, T0);
        Media mid = media("r", 'b', MediaType.FILE, 20_000, T0.plusSeconds(60));
        Media young = media("s", 'c', MediaType.JPEG, 5, T0.plusSeconds(3600));
        for (Media m : List.of(old, mid, young)) {
            rows.insert(m);
        }
        assertThat(rows.createdBefore(T0.plusSeconds(61), 10)).containsExactly(old.id(), mid.id());
        assertThat(rows.createdBefore(T0.plusSeconds(61), 10, MediaKind.FILE)).containsExactly(mid.id());
        assertThat(rows.createdBefore(T0, 10)).as("strictly before").isEmpty();
        assertThat(rows.roomBytes("r")).isEqualTo(30_000);
        assertThat(rows.roomBytes("nobody")).isZero();
        assertThat(rows.roomsOver(100)).containsExactly("r");
        assertThat(rows.oldestFirst("r", 10)).containsExactly(old, mid);
    }

    @Test
    void aReopenedDatabaseKeepsItsRowsAndMigratesNothingTwice() throws Exception {
        Media m = media("r", 'a', MediaType.JPEG, 1, T0);
        rows.insert(m);
        db.close();
        db = Database.open(dataDir, url(), 2);
        rows = new MediaRepository(db);
        assertThat(rows.find(m.id())).contains(m);
        rows.ping();
    }
}
