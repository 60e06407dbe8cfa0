-- Photos kept by the media store. The bytes live in content-addressed files named by sha256; one row
-- per photo per room (the same bytes uploaded to one room twice are one row), so rows in different
-- rooms may share a file. seq orders a room's gallery, newest first. One script for SQLite and
-- PostgreSQL: ${seq_column} is the auto-numbered key of each (see DatabaseKind); created_at holds epoch
-- milliseconds on SQLite, a timestamptz on PostgreSQL.
CREATE TABLE media (
    seq          ${seq_column},
    id           VARCHAR(22)  NOT NULL,
    room         VARCHAR(64)  NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    content_type VARCHAR(32)  NOT NULL,
    size         BIGINT       NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT media_id_unique UNIQUE (id),
    CONSTRAINT media_room_sha256_unique UNIQUE (room, sha256)
);

CREATE INDEX media_room_seq ON media (room, seq);
CREATE INDEX media_sha256 ON media (sha256);
