-- Version 12.

-- Each dispatch's related dispatches, ranked when it is published and kept, so that a
-- page reads a few rows instead of ranking every article sharing a tag (a sort whose
-- size grew with the archive). Ranked by 2 × shared tags + 1 for the same stream, then
-- newest; the best `related::KEPT` per article, scheduled ones included (a page shows
-- those already out). Kept up to date by `related::Tracker` at each publish, touching
-- only the lists that change; an archive upgraded to this version has them all ranked
-- right after the migration (`related::rank_all`).
CREATE TABLE related (
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    related_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    score        INTEGER NOT NULL,
    -- The related article's, so that ranking and trimming read this table alone.
    published_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, related_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX related_rank ON related (article_id, score DESC, published_at DESC, related_id DESC);
-- The lists an article is in: they change with it.
CREATE INDEX related_by ON related (related_id);

-- The article pages each publish changed (by slug; '*' for all of them), in commit
-- order, so that a response cache, in this process or over a replica, drops those and
-- keeps the rest. Only the latest rows are kept (`changes::KEPT_ROWS`).
CREATE TABLE page_changes (
    seq  INTEGER PRIMARY KEY,
    slug TEXT NOT NULL
) STRICT;
