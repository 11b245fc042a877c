-- A day of the daily feed is listed by upvotes, then by arrival: one index
-- gives a day's papers in that order, so the busiest page needs no sort.
DROP INDEX IF EXISTS papers_feed_date;
DELETE FROM deferred_indexes WHERE name = 'papers_feed_date';
CREATE INDEX papers_feed ON papers (feed_date, upvotes DESC, created_at)
    WHERE feed_date IS NOT NULL;
