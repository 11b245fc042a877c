-- Author pages find a name however it is capitalised ("Dohoon choi" for
-- "Dohoon Choi"): the look-up of the spelling papers use has an index.
CREATE INDEX paper_authors_lower ON paper_authors (lower(name));

-- primary_category was written and never read: a paper's primary category is
-- its first category (Paper.primary_category).
ALTER TABLE papers DROP COLUMN primary_category;

-- Hyphenated initials as people write them: "C.-P. Yuan", not arXiv's parsed
-- "C. -P. Yuan" (imports now mend them; this mends what is stored). Each
-- mended paper moves to the end of the change sequence, one number each, so
-- the search indexes index the mended names.
CREATE TEMP TABLE mended ON COMMIT DROP AS
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM papers WHERE authors LIKE '%. -%';
UPDATE papers SET authors = replace(authors, '. -', '.-'),
    seq = (SELECT value FROM counters WHERE name = 'seq') + mended.n
    FROM mended WHERE papers.id = mended.id;
UPDATE counters SET value = value + (SELECT count(*) FROM mended) WHERE name = 'seq';
UPDATE paper_authors SET name = replace(name, '. -', '.-') WHERE name LIKE '%. -%';
