-- What people tell their recommendations besides votes and collections
-- (store/feedback.py): papers they are not interested in, papers they have
-- seen, and when they last told their model to forget. (As SQLite's
-- migration 0011.)

CREATE TABLE dismissals (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    paper_id   TEXT COLLATE "C" NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id)
);
CREATE INDEX dismissals_paper ON dismissals (paper_id);

CREATE TABLE seen_papers (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    paper_id TEXT COLLATE "C" NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    how      TEXT COLLATE "C" NOT NULL CHECK (how IN ('digest', 'opened')),
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id, how)
);
CREATE INDEX seen_papers_paper ON seen_papers (paper_id);

CREATE TABLE model_resets (
    user_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reset_at TEXT NOT NULL
);
