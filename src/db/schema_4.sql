-- Version 4.

-- The large columns last. SQLite keeps a row's columns in order and reaches a column by
-- following the row's overflow pages up to it, so with the Markdown and HTML in the
-- middle of the row, every summary on a list page and every search snippet read both
-- first (about six pages per row instead of one). Re-adding a column puts it at the end.
ALTER TABLE articles ADD COLUMN html_moved TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN markdown_moved TEXT NOT NULL DEFAULT '';
UPDATE articles SET html_moved = html, markdown_moved = markdown;
ALTER TABLE articles DROP COLUMN html;
ALTER TABLE articles DROP COLUMN markdown;
ALTER TABLE articles RENAME COLUMN html_moved TO html;
ALTER TABLE articles RENAME COLUMN markdown_moved TO markdown;

-- Related dispatches rank a few hundred candidates by these columns: from this index
-- they cost a few small pages instead of one table page per candidate.
CREATE INDEX articles_rank ON articles (id, draft, published_at, stream_id);
