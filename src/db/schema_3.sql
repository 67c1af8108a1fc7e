-- Version 3.

-- Stream counts (on every page's masthead) from the index alone, without visiting
-- article rows.
CREATE INDEX articles_stream_visible ON articles (stream_id, draft, published_at);
DROP INDEX articles_stream;
