-- Version 2.

-- Prefix indexes make `wal*` a lookup instead of a scan of the term list.
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, dek, body_text, tags_text, stream_name, author_name,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

-- The index's vocabulary, for "did you mean" when a search finds nothing.
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab (articles_fts, 'row');

-- Slugs whose article was deleted: they answer 410 Gone, not 404.
CREATE TABLE gone (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    removed_at INTEGER NOT NULL
) STRICT;

-- Slugs an article had before a rename (of its file or its `slug`): they answer 301.
CREATE TABLE moved (
    old_slug   TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) STRICT;

CREATE INDEX moved_article ON moved (article_id);
