-- Version 7.

-- Which folder each source file was published from (its canonical path): the content
-- folder for files inside it, or a folder published as a root of its own. A publish
-- with --prune (and the server's watcher) only removes rows of its own root, so a
-- folder another process published is never pruned by a save here. Rows from before
-- version 7 have none until their next publish, and are pruned as before.
CREATE TABLE source_roots (
    source_path TEXT PRIMARY KEY,
    root        TEXT NOT NULL
) STRICT;
