-- Version 14.

-- Article pages as served, rendered and compressed once and kept beside their
-- articles, so that a memory-cache miss, a restart or a replica sends bytes instead of
-- rendering. A publish deletes the pages it changed in its own transaction
-- (`changes::record`); a page is written only if no publish changed it since it was
-- rendered (`stored::put`). `stamp` names the chrome, settings and build it was
-- rendered with: a page of another stamp is rendered again.
CREATE TABLE stored_pages (
    slug        TEXT PRIMARY KEY,
    stamp       TEXT NOT NULL,
    -- The validator: a digest of the page as rendered.
    digest      TEXT NOT NULL,
    -- The page's length as rendered.
    size        INTEGER NOT NULL,
    -- The response's own headers (one `name: value` a line), without the site's
    -- security headers, which are added when it is served.
    headers     TEXT NOT NULL,
    br          BLOB NOT NULL,
    gzip        BLOB NOT NULL,
    rendered_at INTEGER NOT NULL
) STRICT;
