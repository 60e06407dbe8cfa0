package dev.switchboard.media;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code media} table (see {@code db/migration}): plain JDBC, portable between SQLite and
 * PostgreSQL ({@link DatabaseKind} holds the differences). Writes go through {@link Database#writer},
 * reads through {@link Database#reader}; each statement commits on its own and is durable when it
 * returns. Blocking: storage executor only.
 */
final class MediaRepository {
    private static final String COLUMNS = "id, room, sha256, content_type, size, created_at";

    private final DataSource db;
    private final DataSource writer;
    private final DatabaseKind dialect;

    MediaRepository(Database database) {
        this.db = database.reader();
        this.writer = database.writer();
        this.dialect = database.kind();
    }

    /** Inserts {@code m}; returns false when the room already has a row for the same content. */
    boolean insert(Media m) throws SQLException {
        try (Connection c = writer.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO media (" + COLUMNS + ", kind) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, m.id().value());
            ps.setString(2, m.room());
            ps.setString(3, m.sha256());
            ps.setString(4, m.type().mime());
            ps.setLong(5, m.size());
            dialect.setInstant(ps, 6, m.createdAt());
            ps.setString(7, m.kind().wire());
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (dialect.uniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Gives row {@code id} another type (and so kind); false when there is no such row. */
    boolean changeType(MediaId id, MediaType type) throws SQLException {
        try (Connection c = writer.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE media SET content_type = ?, kind = ? WHERE id = ?")) {
            ps.setString(1, type.mime());
            ps.setString(2, type.kind().wire());
            ps.setString(3, id.value());
            return ps.executeUpdate() == 1;
        }
    }

    Optional<Media> find(MediaId id) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM media WHERE id = ?", id.value());
    }

    Optional<Media> findInRoom(String room, String sha256) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM media WHERE room = ? AND sha256 = ?", room, sha256);
    }

    /**
     * Up to {@code limit} photos of {@code room}, newest first; with {@code before}, only those older
     * than that photo; with {@code kind}, only that kind (null: photos and recordings, not the files
     * kept for peers without a direct path). Empty when {@code before} is not in the room.
     */
    List<Media> list(String room, int limit, MediaId before, MediaKind kind) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM media WHERE room = ?"
                + (kind == null ? " AND kind <> 'file'" : " AND kind = ?")
                + (before == null ? "" : " AND seq < (SELECT seq FROM media WHERE id = ? AND room = ?)")
                + " ORDER BY seq DESC LIMIT ?";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, room);
            if (kind != null) {
                ps.setString(i++, kind.wire());
            }
            if (before != null) {
                ps.setString(i++, before.value());
                ps.setString(i++, room);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Media> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        }
    }

    /** Deletes the row; true when it existed. */
    boolean delete(MediaId id) throws SQLException {
        try (Connection c = writer.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM media WHERE id = ?")) {
            ps.setString(1, id.value());
            return ps.executeUpdate() > 0;
        }
    }

    /** How many rows (in any room) use the content {@code sha256}. */
    long references(String sha256) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM media WHERE sha256 = ?")) {
            ps.setString(1, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Ids of rows of one kind created before {@code cutoff}, oldest first, at most {@code limit}. */
    List<MediaId> createdBefore(Instant cutoff, int limit, MediaKind kind) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id FROM media WHERE created_at < ? AND kind = ? ORDER BY seq LIMIT ?")) {
            dialect.setInstant(ps, 1, cutoff);
            ps.setString(2, kind.wire());
            ps.setInt(3, limit);
            return ids(ps);
        }
    }

    List<MediaId> createdBefore(Instant cutoff, int limit) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM media WHERE created_at < ? ORDER BY seq LIMIT ?")) {
            dialect.setInstant(ps, 1, cutoff);
            ps.setInt(2, limit);
            return ids(ps);
        }
    }

    /** Rooms whose rows add up to more than {@code bytes} (per-room quota). */
    List<String> roomsOver(long bytes) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT room FROM media GROUP BY room HAVING SUM(size) > ?")) {
            ps.setLong(1, bytes);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Each row of {@code room}, oldest first, as (id, size). */
    List<Media> oldestFirst(String room, int limit) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM media WHERE room = ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, room);
            ps.setInt(2, limit);
            List<Media> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    long roomBytes(String room) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(size), 0) FROM media WHERE room = ?")) {
            ps.setString(1, room);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<MediaId> ids(PreparedStatement ps) throws SQLException {
        List<MediaId> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new MediaId(rs.getString(1)));
            }
        }
        return out;
    }

    /** Every digest some row refers to (start-up reconciliation). */
    java.util.Set<String> digests() throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT DISTINCT sha256 FROM media");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Deletes every row referring to {@code sha256}; returns how many. */
    int deleteByDigest(String sha256) throws SQLException {
        try (Connection c = writer.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM media WHERE sha256 = ?")) {
            ps.setString(1, sha256);
            return ps.executeUpdate();
        }
    }

    /** A statement on the write connection: the database part of the storage probe. */
    void ping() throws SQLException {
        try (Connection c = writer.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    long count() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM media");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Optional<Media> one(String sql, String... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private Media read(ResultSet rs) throws SQLException {
        Instant created = dialect.getInstant(rs, "created_at");
        return new Media(new MediaId(rs.getString("id")), rs.getString("room"),
                MediaType.fromMime(rs.getString("content_type")), rs.getLong("size"),
                rs.getString("sha256"), created);
    }
}
