-- Comments outlive their author's account, get one level of replies and an
-- "edited" mark (issue 15, part 3; SQLite's 0012 says why, and rebuilds its
-- table where PostgreSQL alters it in place).
ALTER TABLE comments ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE comments DROP CONSTRAINT comments_user_id_fkey;
ALTER TABLE comments ADD CONSTRAINT comments_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE;
ALTER TABLE comments ADD COLUMN edited_at TEXT;
CREATE INDEX comments_user ON comments (user_id, created_at);
CREATE INDEX comments_parent ON comments (parent_id);
