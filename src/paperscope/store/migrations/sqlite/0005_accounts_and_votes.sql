-- People: accounts and their sessions, password resets, rate limits, votes
-- and submissions to the daily feed.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- shown as "submitted by"
    password_hash TEXT NOT NULL,                        -- argon2id, with its parameters
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is
-- stored, so a copy of the database does not let anyone sign in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use password reset tokens (hashed like sessions).
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) WITHOUT ROWID;

-- Attempts at rate-limited actions, e.g. ('login-ip:127.0.0.1', unix time).
-- In the database, so every server process counts the same attempts.
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  REAL NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at);

-- One vote per user per paper. papers.votes counts them (the triggers keep
-- it exact inside each vote's transaction) and moves the paper's change
-- sequence, so the keyword index and the page cache see the new total.
CREATE TABLE votes (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    paper_id   TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX votes_paper ON votes (paper_id);

ALTER TABLE papers ADD COLUMN votes INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER votes_added AFTER INSERT ON votes BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'seq';
    UPDATE papers SET votes = votes + 1, seq = (SELECT value FROM counters WHERE name = 'seq')
        WHERE id = NEW.paper_id;
END;

CREATE TRIGGER votes_removed AFTER DELETE ON votes BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'seq';
    UPDATE papers SET votes = votes - 1, seq = (SELECT value FROM counters WHERE name = 'seq')
        WHERE id = OLD.paper_id;
END;

-- The daily feed is ordered by all upvotes: those a source reported and ours.
DROP INDEX IF EXISTS papers_feed;
DELETE FROM deferred_indexes WHERE name = 'papers_feed';
CREATE INDEX papers_feed ON papers (feed_date, (upvotes + votes) DESC, created_at)
    WHERE feed_date IS NOT NULL;

-- Who put a paper into the daily feed, once per paper.
CREATE TABLE submissions (
    paper_id     TEXT PRIMARY KEY REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    submitted_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX submissions_user_day ON submissions (user_id, day);
