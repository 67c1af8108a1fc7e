-- Version 5.

-- Publishing tokens for Micropub. Only the SHA-256 of a token is kept (hex), so a copy
-- of the archive gives nobody a usable token; revoking deletes the row.
CREATE TABLE tokens (
    name         TEXT PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    -- Space-separated Micropub scopes: create update delete undelete media.
    scopes       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;
