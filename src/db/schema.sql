-- Schema version 1. Applied in one transaction when PRAGMA user_version is 0.
-- Times are UTC unix seconds. JSON columns hold what the front matter said.

CREATE TABLE streams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    html        TEXT NOT NULL DEFAULT '',
    -- NULL when the stream exists only because an article names it.
    source_path TEXT UNIQUE,
    content_hash TEXT
) STRICT;

CREATE TABLE authors (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    bio         TEXT NOT NULL DEFAULT '',
    links_json  TEXT NOT NULL DEFAULT '[]',
    html        TEXT NOT NULL DEFAULT '',
    source_path TEXT UNIQUE,
    content_hash TEXT
) STRICT;

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    source_path     TEXT NOT NULL UNIQUE,
    content_hash    TEXT NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    dek             TEXT NOT NULL DEFAULT '',
    published_at    INTEGER NOT NULL,
    updated_at      INTEGER,
    stream_id       TEXT REFERENCES streams(id),
    author_id       TEXT REFERENCES authors(id),
    draft           INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1)),
    hero_json       TEXT,
    sources_json    TEXT NOT NULL DEFAULT '[]',
    authors_json    TEXT NOT NULL DEFAULT '[]',
    extra_json      TEXT NOT NULL DEFAULT '{}',
    front_matter_json TEXT NOT NULL DEFAULT '{}',
    markdown        TEXT NOT NULL,
    html            TEXT NOT NULL,
    summary_html    TEXT NOT NULL,
    toc_json        TEXT NOT NULL DEFAULT '[]',
    body_text       TEXT NOT NULL,
    word_count      INTEGER NOT NULL,
    reading_minutes INTEGER NOT NULL,
    -- Denormalised for the full-text index, which reads columns by name.
    tags_text       TEXT NOT NULL DEFAULT '',
    stream_name     TEXT NOT NULL DEFAULT '',
    author_name     TEXT NOT NULL DEFAULT '',
    -- When this row last changed: "Now writing" shows the most recently touched draft.
    touched_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX articles_listing ON articles (draft, published_at DESC);
CREATE INDEX articles_stream ON articles (stream_id, published_at DESC);
CREATE INDEX articles_author ON articles (author_id, published_at DESC);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_tags_tag ON article_tags (tag);

-- Old URLs of an article (front matter `aliases`), answered with 301.
CREATE TABLE aliases (
    path       TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) STRICT;

CREATE INDEX aliases_article ON aliases (article_id);

-- Files that only forward (Go blog `redirect:` stubs): /dispatches/<slug> → target.
CREATE TABLE redirects (
    slug        TEXT PRIMARY KEY,
    target      TEXT NOT NULL,
    source_path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL
) STRICT;

-- Images and other files beside articles, served from the archive itself so the
-- whole site stays one file.
CREATE TABLE files (
    path         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    content_hash TEXT NOT NULL,
    source_path  TEXT NOT NULL UNIQUE,
    touched_at   INTEGER NOT NULL
) STRICT;

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, dek, body_text, tags_text, stream_name, author_name,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, dek, body_text, tags_text, stream_name, author_name)
    VALUES (new.id, new.title, new.dek, new.body_text, new.tags_text, new.stream_name, new.author_name);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, dek, body_text, tags_text, stream_name, author_name)
    VALUES ('delete', old.id, old.title, old.dek, old.body_text, old.tags_text, old.stream_name, old.author_name);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, dek, body_text, tags_text, stream_name, author_name ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, dek, body_text, tags_text, stream_name, author_name)
    VALUES ('delete', old.id, old.title, old.dek, old.body_text, old.tags_text, old.stream_name, old.author_name);
    INSERT INTO articles_fts (rowid, title, dek, body_text, tags_text, stream_name, author_name)
    VALUES (new.id, new.title, new.dek, new.body_text, new.tags_text, new.stream_name, new.author_name);
END;

-- One row per publish batch: what the archive looked like after it.
CREATE TABLE publishes (
    id          INTEGER PRIMARY KEY,
    finished_at INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    removed     INTEGER NOT NULL
) STRICT;
