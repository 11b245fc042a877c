-- What people tell their recommendations besides votes and collections
-- (store/feedback.py): papers they are not interested in, papers they have
-- seen, and when they last told their model to forget.

-- "Not interested": never recommended to this person again, and a negative
-- for their model (recommend.py says how much one weighs).
CREATE TABLE dismissals (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    paper_id   TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX dismissals_paper ON dismissals (paper_id);  -- deleting or renaming a paper

-- Papers shown to a person in a digest or opened by them: not recommended
-- again. One row per way it was seen, so marking twice changes nothing.
CREATE TABLE seen_papers (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    how      TEXT NOT NULL CHECK (how IN ('digest', 'opened')),
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id, how)
) WITHOUT ROWID;
CREATE INDEX seen_papers_paper ON seen_papers (paper_id);

-- A model reset: upvotes, saves and dismissals made up to this second no
-- longer train the person's model (the votes and collections themselves stay).
CREATE TABLE model_resets (
    user_id  INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reset_at TEXT NOT NULL
);
