-- Version 9.

-- Images: the displayed size of each published image (what pages put in `width` and
-- `height`) and the key of its WebP variants, a hash of the original's bytes, so that
-- a changed image gets new, never-cached addresses and an unchanged one keeps its own.
ALTER TABLE files ADD COLUMN width INTEGER;
ALTER TABLE files ADD COLUMN height INTEGER;
ALTER TABLE files ADD COLUMN variant_key TEXT;
-- The variants' widths, ascending, comma-separated ('' for none).
ALTER TABLE files ADD COLUMN variant_widths TEXT NOT NULL DEFAULT '';

-- The variants themselves, kept in the archive so a backup or a replica carries them.
-- Removed with the last file whose key they share.
CREATE TABLE image_variants (
    key   TEXT NOT NULL,
    width INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (key, width)
) STRICT;

-- Which published images each article's page shows, so that a changed image renders
-- its articles again (their sizes and variants are in the article's HTML).
CREATE TABLE article_images (
    source_path TEXT NOT NULL,
    image_path  TEXT NOT NULL,
    PRIMARY KEY (source_path, image_path)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_images_by_image ON article_images (image_path);
