-- Version 6.

-- Secrets the site signs with. `preview` signs the links `dispatches preview` prints;
-- replacing it (`dispatches preview --rotate`) revokes every link at once.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
