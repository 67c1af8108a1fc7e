//! The second half of `parse`: a prepared article's Markdown rendered, in the dialect of
//! the engine it came from, with its images sized, its title, tags, aliases and warnings.

use super::*;

impl PreparedArticle {
    /// The second half of `parse`: renders the article.
    pub fn render(self, settings: ContentSettings<'_>) -> Result<Article, FileError> {
        let PreparedArticle {
            slug,
            slug_origin,
            date,
            lang,
            translation_key,
            mut role,
            mut fm,
            body,
            body_line,
            dir,
            mdx,
            name,
            pelican,
        } = self;
        // A project's `image` is its picture: the hero, with its variants.
        if role.kind == kind::Kind::Project
            && fm.hero.is_none()
            && let Some(Value::String(src)) = fm.raw.get("image")
        {
            fm.hero = Some(Hero {
                src: src.clone(),
                alt: fm.title.clone().unwrap_or_default(),
                ..Hero::default()
            });
        }
        let article = render_article(
            slug,
            slug_origin,
            date,
            &fm,
            (&body, body_line, mdx, &name, pelican),
            &dir,
            settings,
        )?;
        if role.menu.as_deref() == Some("") {
            role.menu = Some(article.title.clone());
        }
        Ok(Article {
            lang,
            translation_key,
            role,
            ..article
        })
    }
}

/// Another engine's syntax in `body` (shortcodes, Liquid, MDX, Go's directives, wiki
/// links) turned into Markdown, as the file's folder, name and kind read it.
fn translate(
    fm: &front_matter::FrontMatter,
    body: &str,
    (dir, note_name, mdx): (&str, &str, bool),
    settings: &ContentSettings<'_>,
) -> import::Translated {
    let empty = serde_json::Map::new();
    let data = settings.eleventy.map(|d| d.for_dir(dir));
    let site = settings.site.unwrap_or(&empty);
    import::translate(
        body,
        &import::ImportContext {
            dir,
            name: note_name,
            go_template: fm.template == Some(Value::Bool(true)),
            jekyll: !site.is_empty() || dir.split('/').any(|d| d == "_posts" || d == "_drafts"),
            page: &fm.raw,
            site,
            read_file: settings.read_file,
            // Docusaurus reads its `.md` files as MDX too.
            mdx: mdx
                || matches!(
                    settings.old_site,
                    Some(import::old_paths::OldSite::Docusaurus { .. })
                ),
            vault: settings.vault,
            data: data.as_ref(),
        },
    )
}

/// The front matter's tags and those the body declared, each under the label a
/// Docusaurus `tags.yml` gives it, once each.
fn tags(
    fm: &front_matter::FrontMatter,
    from_body: &[String],
    settings: &ContentSettings<'_>,
) -> Vec<String> {
    dedup(fm.tags.iter().chain(from_body).map(|t| {
        let t = t.trim();
        settings
            .tag_labels
            .and_then(|l| l.get(t))
            .map_or_else(|| t.to_string(), String::clone)
    }))
}

/// Warnings placed by their line in the body, placed in the file.
fn below(
    warnings: Vec<(usize, String)>,
    body_line: usize,
) -> impl Iterator<Item = (usize, String)> {
    warnings
        .into_iter()
        .map(move |(line, message)| (body_line + line, message))
}

#[allow(clippy::too_many_arguments)]
fn render_article(
    slug: String,
    slug_origin: SlugOrigin,
    date: Option<OffsetDateTime>,
    fm: &front_matter::FrontMatter,
    (body, body_line, mdx, note_name, pelican): (&str, usize, bool, &str, bool),
    dir: &str,
    settings: ContentSettings<'_>,
) -> Result<Article, FileError> {
    let resolve = |url: &str| {
        article_link(dir, url, settings.article_slug).or_else(|| resolve_relative(dir, url))
    };
    bounded_constructs(body, body_line)?;
    // Obsidian titles a note by its file name, as written.
    let in_vault = settings.vault.is_some_and(|v| v.obsidian);
    let translated = translate(fm, body, (dir, note_name, mdx), &settings);
    let body = translated.body.as_str();
    let rendered = markdown::render(
        body,
        &markdown::RenderOptions {
            id_prefix: &slug,
            highlight_max_bytes: settings.highlight_max_bytes,
            trust_html: settings.trust_html,
            resolve_url: &resolve,
            take_title: fm.title.is_none() && !in_vault,
            emoji: settings.emoji,
        },
    )
    .map_err(|e| too_much(body, body_line, e))?;
    let mut warnings = fm.warnings.clone();
    let title = match (&fm.title, in_vault) {
        (None, true) => note_name.to_string(),
        _ => title_of(fm, rendered.title.clone(), dir, &slug, &mut warnings),
    };
    let no_images = |_: &str| None;
    let lookup: &html::images::Lookup<'_> = settings.images.unwrap_or(&no_images);
    let mut hero = fm.hero.clone().map(|mut h| {
        if let Some(url) = resolve(&h.src) {
            h.src = url;
        }
        h
    });
    let mut images = hero
        .as_mut()
        .and_then(|h| size_hero(h, lookup))
        .into_iter()
        .collect();
    let images_of = |html: &str, first_is_eager: bool, used: &mut Vec<String>| {
        let d = html::images::decorate(
            html,
            lookup,
            &|src| resolve_relative(dir, src),
            first_is_eager,
        );
        for path in d.used {
            if !used.contains(&path) {
                used.push(path);
            }
        }
        d.html
    };
    let html = images_of(&rendered.html, hero.is_none(), &mut images);
    // A list page shows many summaries: none of their images is the page's first.
    let summary_html = images_of(&rendered.summary_html, false, &mut images);
    let aliases = dedup(aliases(fm).into_iter().chain(old_paths(
        settings.old_site,
        fm,
        (dir, note_name, &slug, date),
        pelican,
    )));
    Ok(Article {
        slug,
        slug_origin,
        title,
        dek: fm.dek.clone(),
        date,
        updated: fm.updated,
        stream: fm.stream.as_deref().map(slugify).filter(|s| !s.is_empty()),
        tags: tags(fm, &translated.tags, &settings),
        authors: dedup(fm.authors.iter().cloned()),
        draft: fm.draft,
        // Set by `render` from what `prepare` settled.
        role: kind::Role::default(),
        lang: None,
        translation_key: String::new(),
        hero,
        sources: fm.sources.clone(),
        aliases,
        extra: Value::Object(fm.extra.clone()),
        front_matter: Value::Object(fm.raw.clone()),
        markdown: body.to_string(),
        html,
        summary_html,
        images,
        toc: rendered.toc,
        text: rendered.text,
        word_count: rendered.word_count,
        reading_minutes: rendered.reading_minutes,
        warnings: warnings
            .into_iter()
            .chain(below(translated.warnings, body_line))
            .chain(missing_alt(rendered.missing_alt, body_line))
            .chain(below(rendered.warnings, body_line))
            .collect(),
    })
}

/// Gives a hero that is a published image its size and variants; its path, if so.
fn size_hero(hero: &mut Hero, lookup: &html::images::Lookup<'_>) -> Option<String> {
    let path = html::images::published_path(&hero.src)?;
    let facts = lookup(&path)?;
    hero.width = Some(facts.width);
    hero.height = Some(facts.height);
    hero.srcset = (!facts.variant_widths.is_empty()).then(|| html::images::srcset(&path, &facts));
    Some(path)
}

/// A title for a page that gives none: Hugo's `linkTitle`, else its section's name and
/// its own, as a reader of the old site's menus would have seen them.
fn fallback_title(fm: &front_matter::FrontMatter, dir: &str, slug: &str) -> String {
    if let Some(Value::String(t)) = fm.raw.get("linkTitle").or(fm.raw.get("linktitle"))
        && !t.trim().is_empty()
    {
        return t.trim().to_string();
    }
    let words = |s: &str| {
        let s = s.replace(['-', '_'], " ");
        let mut c = s.trim().chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    let section = dir.rsplit('/').next().unwrap_or("");
    if section.is_empty() || section == slug {
        words(slug)
    } else {
        format!("{}: {}", words(section), words(slug))
    }
}

/// Old addresses that must answer 301: `aliases`, and a Zola `path`, which was the
/// article's address on the old site.
fn aliases(fm: &front_matter::FrontMatter) -> Vec<String> {
    dedup(
        fm.aliases
            .iter()
            .cloned()
            .chain(
                fm.path
                    .as_deref()
                    .map(|p| format!("/{}/", p.trim_matches('/'))),
            )
            .filter(|p| p != "//"),
    )
}

/// Where the article lived on its old site, by its engine's conventions.
fn old_paths(
    site: Option<&import::old_paths::OldSite>,
    fm: &front_matter::FrontMatter,
    (dir, name, slug, date): (&str, &str, &str, Option<OffsetDateTime>),
    pelican: bool,
) -> Vec<String> {
    // A bundle (`name/index.md`) is named by its folder, and lives in the one above.
    let (dir, name) = match (name, dir.rsplit_once('/')) {
        ("index", Some((parent, folder))) => (parent, folder),
        ("index", None) if !dir.is_empty() => ("", dir),
        _ => (dir, name),
    };
    let bare = dates::split_date_prefix(name).map_or(name, |(_, rest)| rest);
    import::old_paths::old_paths(
        site,
        &import::old_paths::Facts {
            dir,
            name: bare,
            slug,
            chosen_slug: fm.slug.as_deref(),
            date: date.map(OffsetDateTime::date),
            front_matter: &fm.raw,
            pelican,
        },
    )
}

/// The renderer's images without a text alternative, as warnings on their file lines.
fn missing_alt(
    missing: Vec<(usize, String)>,
    body_line: usize,
) -> impl Iterator<Item = (usize, String)> {
    missing.into_iter().map(move |(line, src)| {
        (
            body_line + line,
            format!(
                "image `{src}` has no text alternative, so screen readers skip it; \
                 describe it (`![what it shows]({src})`), or give raw HTML `alt=\"\"` \
                 if it is decoration"
            ),
        )
    })
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !i.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&i)) {
            out.push(i);
        }
    }
    out
}

/// The article's title: the front matter's, the body's first `# ` heading, or a name made
/// from where the file sits, with a warning.
fn title_of(
    fm: &front_matter::FrontMatter,
    heading: Option<String>,
    dir: &str,
    slug: &str,
    warnings: &mut Vec<(usize, String)>,
) -> String {
    if let Some(title) = fm.title.clone().or(heading) {
        return title;
    }
    let title = fallback_title(fm, dir, slug);
    warnings.push((
        1,
        format!(
            "no `title:` and no `# ` heading; the page is titled {title:?}; \
             add `title:` to name it yourself"
        ),
    ));
    title
}

/// Fails a body with more template constructs than any real post holds, at the line
/// where it passes the bound.
fn bounded_constructs(body: &str, body_line: usize) -> Result<(), FileError> {
    match import::too_many_constructs(body) {
        Some(at) => Err(FileError::at(
            body_line + body[..at].matches('\n').count(),
            None,
            format!(
                "more than {} template constructs (`{{{{`, `{{%`); split the piece",
                import::MAX_CONSTRUCTS
            ),
        )),
        None => Ok(()),
    }
}
