-- Comments outlive their author's account, get one level of replies and an
-- "edited" mark (issue 15, part 3).
--
-- user_id becomes nullable and is set NULL when the account is deleted: the
-- comment stays, shown as "deleted account", since replies and other people's
-- reading of a thread depend on it. parent_id names the top comment a reply
-- answers (one level: a reply to a reply is stored under the top comment).
-- edited_at is set by an edit, which the page marks.
--
-- SQLite cannot change a column's constraints in place, so the table is
-- rebuilt: ids kept, the index remade, the foreign keys as before except
-- the author's. The new table refers to itself by its temporary name, which
-- the rename rewrites (nothing else refers to comments).
CREATE TABLE comments_new (
    id         INTEGER PRIMARY KEY,
    paper_id   TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- NULL: a deleted account
    parent_id  INTEGER REFERENCES comments_new (id) ON DELETE CASCADE,  -- NULL: a top comment
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_at  TEXT,
    deleted_at TEXT
);
INSERT INTO comments_new (id, paper_id, user_id, body, created_at, deleted_at)
    SELECT id, paper_id, user_id, body, created_at, deleted_at FROM comments;
DROP TABLE comments;
ALTER TABLE comments_new RENAME TO comments;
CREATE INDEX comments_paper ON comments (paper_id, created_at);
-- The account page lists a person's comments, and deleting an account sets
-- its comments' user_id NULL: both look comments up by author.
CREATE INDEX comments_user ON comments (user_id, created_at);
CREATE INDEX comments_parent ON comments (parent_id);
