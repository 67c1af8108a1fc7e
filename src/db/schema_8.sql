-- Version 8.

-- Each article's language (a BCP 47 tag, '' for the site's own) and the key its
-- translations share (`translationKey`, or its path without the language part). A table
-- beside the articles rather than columns of theirs: a column added now would sit behind
-- each row's large Markdown and HTML, and the sitemap reads these for every article.
-- Articles stored before version 8 have no row until their next publish, which
-- re-renders every file once, and read as the site's language without translations.
CREATE TABLE article_languages (
    article_id      INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    lang            TEXT NOT NULL DEFAULT '',
    translation_key TEXT NOT NULL
) STRICT;

CREATE INDEX article_languages_key ON article_languages (translation_key);
