-- Version 13.

-- An author's picture (`avatar` in their file): the address of the image as the page
-- links it (a published file is `/files/…`, sized and given variants when shown).
ALTER TABLE authors ADD COLUMN avatar TEXT;
-- Authors' files are read again at the next publish, so the pictures they name (and the
-- relative images of their bios, resolved since this version) are in.
UPDATE authors SET content_hash = NULL;
