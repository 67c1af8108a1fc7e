-- Version 10.

-- A new article's full-text row is written by the publish, for a group of articles in
-- one statement (see apply.rs), instead of by a trigger per article: FTS5 writes its
-- pending rows out as a segment of their own before each statement that may need
-- undoing, so the trigger made a 2,000-article publish write 2,000 one-article
-- segments and spend a fifth of its time merging them. Updates and removals keep
-- their triggers (they take the row's old values, which only a trigger sees).
DROP TRIGGER articles_fts_insert;

-- A file's facts sit behind its bytes in the row, so reading them walked every stored
-- image's overflow pages at each publish (1.25 s, cold, for 400 photos of 2 MB). These
-- indexes hold what a publish reads without the bytes: the content hashes that tell
-- unchanged files apart, the images' sizes and variants, and the variant keys still in use.
CREATE INDEX files_hashes ON files (source_path, content_hash);
CREATE INDEX files_images ON files (path, width, height, variant_key, variant_widths)
    WHERE width IS NOT NULL;
CREATE INDEX files_variant_keys ON files (variant_key) WHERE variant_key IS NOT NULL;
