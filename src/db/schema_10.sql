-- Version 10.

-- A new article's full-text row is written by the publish, for a group of articles in
-- one statement (see apply.rs), instead of by a trigger per article: FTS5 writes its
-- pending rows out as a segment of their own before each statement that may need
-- undoing, so the trigger made a 2,000-article publish write 2,000 one-article
-- segments and spend a fifth of its time merging them. Updates and removals keep
-- their triggers (they take the row's old values, which only a trigger sees).
DROP TRIGGER articles_fts_insert;
