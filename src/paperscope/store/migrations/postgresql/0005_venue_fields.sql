-- Where a work appeared, field by field (journal, volume, issue, pages), as
-- BibTeX, RIS and CSL-JSON give it: exports write the fields back as they
-- were, and two works with one title are told apart by them. journal_ref
-- stays the readable line. Papers stored before have the fields empty.
ALTER TABLE papers ADD COLUMN journal TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN volume TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN issue TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN pages TEXT NOT NULL DEFAULT '';
