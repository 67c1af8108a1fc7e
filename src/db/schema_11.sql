-- Version 11.

-- What each entry is: a dated dispatch (in lists, feeds, the archive and related lists),
-- a standalone page at the root of the site, a project of the portfolio, or the home
-- page's introduction. Pages carry their menu label; pages and projects an order.
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'dispatch'
    CHECK (kind IN ('dispatch', 'page', 'project', 'intro'));
ALTER TABLE articles ADD COLUMN menu TEXT;
ALTER TABLE articles ADD COLUMN weight INTEGER;
ALTER TABLE articles ADD COLUMN featured INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1));

-- Pages, projects and the introduction are few; their lists read this, never a scan.
CREATE INDEX articles_kind ON articles (kind, published_at DESC);

-- Search and related lists read visibility from these covering indexes; they now also
-- need the kind (search leaves the introduction out, related lists keep to dispatches).
DROP INDEX articles_rank;
CREATE INDEX articles_rank ON articles (id, draft, published_at, stream_id, kind);
DROP INDEX articles_stream_visible;
CREATE INDEX articles_stream_visible ON articles (stream_id, draft, published_at, kind);

-- The large columns last again (as version 4 did): the columns added above went after
-- them, and every list would otherwise walk each row's Markdown and HTML to read its kind.
ALTER TABLE articles ADD COLUMN html_moved TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN markdown_moved TEXT NOT NULL DEFAULT '';
UPDATE articles SET html_moved = html, markdown_moved = markdown;
ALTER TABLE articles DROP COLUMN html;
ALTER TABLE articles DROP COLUMN markdown;
ALTER TABLE articles RENAME COLUMN html_moved TO html;
ALTER TABLE articles RENAME COLUMN markdown_moved TO markdown;
