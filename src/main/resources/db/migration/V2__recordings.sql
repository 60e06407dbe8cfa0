-- Recordings share the media table with photos: kind tells them apart ('photo' or 'recording'), so
-- the photo listing stays photos only and the room's media listing can show both.
ALTER TABLE media ADD COLUMN kind VARCHAR(16) DEFAULT 'photo' NOT NULL;

CREATE INDEX media_room_kind_seq ON media (room, kind, seq);
