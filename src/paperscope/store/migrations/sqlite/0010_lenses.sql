-- Lenses: a person's saved, named views of the library (paperscope.lenses).
-- One lens is a page, a JSON twin, RSS and Atom feeds, a digest section and,
-- with a webhook URL, a stream of POSTs. Saved searches of digests become
-- lenses below; subscriptions.searches is then left empty and unused.
CREATE TABLE lenses (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    q              TEXT NOT NULL DEFAULT '',    -- words in the search language
    categories     TEXT NOT NULL DEFAULT '[]',  -- JSON list: any of them
    authors        TEXT NOT NULL DEFAULT '[]',  -- JSON list of exact names: any of them
    about          TEXT NOT NULL DEFAULT '',    -- a description, matched by meaning
    ranked         INTEGER NOT NULL DEFAULT 0,  -- best first by the owner's own model
    in_digest      INTEGER NOT NULL DEFAULT 1,  -- a section of the owner's digest
    feed_token     TEXT NOT NULL UNIQUE,        -- the feeds' address; a new one revokes it
    webhook_url    TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',    -- the HMAC-SHA256 key of its signatures
    webhook_since  TEXT NOT NULL DEFAULT '',    -- papers published before are never posted
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (user_id, name)
);
CREATE INDEX lenses_webhook ON lenses (id) WHERE webhook_url <> '';

-- Each match of a lens with a webhook, delivered once: a row is made when the
-- match is found (a second run finds it there and posts nothing new) and
-- settled when the receiver answers 2xx, or given up after the last retry.
CREATE TABLE lens_deliveries (
    lens_id      INTEGER NOT NULL REFERENCES lenses (id) ON DELETE CASCADE,
    paper_id     TEXT NOT NULL REFERENCES papers (id) ON UPDATE CASCADE ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT NOT NULL,                 -- when a pending match may be tried
    last_error   TEXT NOT NULL DEFAULT '',
    found_at     TEXT NOT NULL,
    delivered_at TEXT,
    PRIMARY KEY (lens_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX lens_deliveries_due ON lens_deliveries (status, next_at);

-- Lens descriptions as embedded, by the text's hash and the model: a run of
-- the digest or webhook job embeds each description once, ever, not once a run.
CREATE TABLE lens_about_vectors (
    text_hash TEXT NOT NULL,
    model     TEXT NOT NULL,
    vector    BLOB NOT NULL,                 -- float32, unit length
    PRIMARY KEY (text_hash, model)
) WITHOUT ROWID;

INSERT OR IGNORE INTO lenses (user_id, name, q, categories, authors, feed_token,
                              created_at, updated_at)
SELECT s.user_id,
       substr(trim(
           CASE WHEN coalesce(json_extract(j.value, '$.q'), '') <> ''
                THEN '“' || json_extract(j.value, '$.q') || '” ' ELSE '' END ||
           CASE WHEN coalesce(json_extract(j.value, '$.author'), '') <> ''
                THEN 'by ' || json_extract(j.value, '$.author') || ' ' ELSE '' END ||
           CASE WHEN coalesce(json_extract(j.value, '$.cat'), '') <> ''
                THEN 'in ' || json_extract(j.value, '$.cat') ELSE '' END), 1, 80),
       coalesce(json_extract(j.value, '$.q'), ''),
       CASE WHEN coalesce(json_extract(j.value, '$.cat'), '') <> ''
            THEN json_array(json_extract(j.value, '$.cat')) ELSE '[]' END,
       CASE WHEN coalesce(json_extract(j.value, '$.author'), '') <> ''
            THEN json_array(json_extract(j.value, '$.author')) ELSE '[]' END,
       lower(hex(randomblob(24))),
       s.updated_at, s.updated_at
FROM subscriptions s, json_each(s.searches) j
WHERE j.type = 'object';
UPDATE subscriptions SET searches = '[]' WHERE searches <> '[]';
