//! Languages: a `lang` tag checked and written the one way (BCP 47 case), the language a
//! Hugo file name carries (`post.fr.md`), the name a reader knows a language by, and the
//! few phrases an article's meta line spells in its own language.

/// The longest tag we keep: BCP 47 allows more, but no language a page is written in
/// needs more than a language, script, region and a variant or two.
const MAX_TAG: usize = 35;

/// Checks a language tag and writes it as BCP 47 does (`pt-BR`, `zh-Hant-TW`, `de`):
/// an ISO 639 language of 2 or 3 letters, then subtags of 1–8 letters or digits. An
/// underscore (`en_US`, as Jekyll's `locale` writes it) stands for a hyphen. Longer
/// first subtags, which BCP 47 reserves and nobody writes, are refused so that a
/// `language: Rust` meant as a programming language is not taken for one.
pub fn parse_tag(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "{} is not a language tag; write one such as `en`, `fr`, `pt-BR` or `zh-Hant` \
             (letters, digits and hyphens, 2 to {MAX_TAG} characters)",
            super::quoted(text, 40)
        )
    };
    if !(2..=MAX_TAG).contains(&text.len()) {
        return Err(bad());
    }
    let mut subtags = text.split(['-', '_']);
    let primary = subtags.next().unwrap_or("");
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad());
    }
    let mut out = primary.to_ascii_lowercase();
    for sub in subtags {
        if !(1..=8).contains(&sub.len()) || !sub.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad());
        }
        out.push('-');
        out.push_str(&subtag_case(sub));
    }
    Ok(out)
}

/// BCP 47's conventional case: regions upper (`BR`), scripts title (`Hant`), the rest lower.
fn subtag_case(sub: &str) -> String {
    let alpha = sub.bytes().all(|b| b.is_ascii_alphabetic());
    match sub.len() {
        2 if alpha => sub.to_ascii_uppercase(),
        4 if alpha => {
            let lower = sub.to_ascii_lowercase();
            lower[..1].to_ascii_uppercase() + &lower[1..]
        }
        _ => sub.to_ascii_lowercase(),
    }
}

/// A translation's slug: the article's, then its language (`post-fr`, `trip-pt-br`).
pub fn slug_with(slug: &str, tag: &str) -> String {
    format!("{slug}-{}", tag.to_ascii_lowercase())
}

/// The primary language of a tag: `pt-BR` → `pt`.
pub fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// Splits Hugo's language suffix off a file stem: `post.fr` → (`post`, `fr`),
/// `index.pt-br` → (`index`, `pt-BR`). Only ISO 639-1 codes count, with an optional
/// two-letter region: a file name such as `go.dev.md` or `crates.io.md` is a name, not
/// a language, and we have no list of the site's languages to tell them apart.
pub fn split_file_suffix(stem: &str) -> Option<(&str, String)> {
    let (name, suffix) = stem.rsplit_once('.')?;
    if name.is_empty() {
        return None;
    }
    let (language, region) = match suffix.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (suffix, None),
    };
    let known = language.len() == 2
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && ISO_639_1.contains(&language);
    let region_ok =
        region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()));
    (known && region_ok)
        .then(|| parse_tag(suffix).ok())
        .flatten()
        .map(|tag| (name, tag))
}

/// Every ISO 639-1 code: the two-letter languages Hugo sites name their files with.
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// What a reader calls a language in that language (`Français`), for the list of a
/// dispatch's translations; a language not in the table shows its tag.
pub fn name(tag: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("ar", "العربية"),
        ("ca", "Català"),
        ("cs", "Čeština"),
        ("da", "Dansk"),
        ("de", "Deutsch"),
        ("el", "Ελληνικά"),
        ("en", "English"),
        ("eo", "Esperanto"),
        ("es", "Español"),
        ("fa", "فارسی"),
        ("fi", "Suomi"),
        ("fr", "Français"),
        ("he", "עברית"),
        ("hi", "हिन्दी"),
        ("hu", "Magyar"),
        ("id", "Bahasa Indonesia"),
        ("it", "Italiano"),
        ("ja", "日本語"),
        ("ko", "한국어"),
        ("nb", "Norsk bokmål"),
        ("nl", "Nederlands"),
        ("no", "Norsk"),
        ("pl", "Polski"),
        ("pt", "Português"),
        ("ro", "Română"),
        ("ru", "Русский"),
        ("sv", "Svenska"),
        ("tr", "Türkçe"),
        ("uk", "Українська"),
        ("vi", "Tiếng Việt"),
        ("zh", "中文"),
    ];
    let base = NAMES
        .iter()
        .find(|(code, _)| *code == primary(tag))
        .map(|(_, n)| n.to_string());
    match (base, tag.split_once('-')) {
        (Some(n), Some((_, rest))) => format!("{n} ({rest})"),
        (Some(n), None) => n,
        (None, _) => tag.to_string(),
    }
}

/// The languages whose dates and meta line we spell; any other reads as English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Fr,
    De,
    Es,
}

impl Locale {
    /// The locale of a language tag: its primary language, English when we have no table.
    pub fn of(tag: &str) -> Locale {
        match primary(tag).to_ascii_lowercase().as_str() {
            "fr" => Locale::Fr,
            "de" => Locale::De,
            "es" => Locale::Es,
            _ => Locale::En,
        }
    }

    /// `2 min read`, `2 min de lecture`, `2 Min. Lesezeit`, `2 min de lectura`.
    pub fn reading_time(self, minutes: i64) -> String {
        match self {
            Locale::En => format!("{minutes} min read"),
            Locale::Fr => format!("{minutes} min de lecture"),
            Locale::De => format!("{minutes} Min. Lesezeit"),
            Locale::Es => format!("{minutes} min de lectura"),
        }
    }

    /// The word before an update's date on the meta line.
    pub fn updated(self) -> &'static str {
        match self {
            Locale::En => "updated",
            Locale::Fr => "mis à jour le",
            Locale::De => "aktualisiert am",
            Locale::Es => "actualizado el",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_tag_is_named_not_echoed_back() {
        let why = parse_tag(&"ab".repeat(500_000)).unwrap_err();
        assert!(
            why.starts_with("\"abab") && why.len() < 300,
            "{}",
            why.len()
        );
    }

    #[test]
    fn tags_are_checked_and_written_in_bcp47_case() {
        assert_eq!(parse_tag("fr").unwrap(), "fr");
        assert_eq!(parse_tag(" pt-br ").unwrap(), "pt-BR");
        assert_eq!(parse_tag("en_US").unwrap(), "en-US");
        assert_eq!(parse_tag("ZH-hant-tw").unwrap(), "zh-Hant-TW");
        assert_eq!(parse_tag("es-419").unwrap(), "es-419");
        for bad in [
            "f",
            "",
            "fr--ca",
            "français",
            "en us",
            "1a",
            "fr-",
            "Rust",
            "x".repeat(36).as_str(),
        ] {
            assert!(parse_tag(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn file_names_carry_iso_languages_only() {
        assert_eq!(split_file_suffix("post.fr"), Some(("post", "fr".into())));
        assert_eq!(
            split_file_suffix("index.pt-br"),
            Some(("index", "pt-BR".into()))
        );
        assert_eq!(split_file_suffix("a.b.de"), Some(("a.b", "de".into())));
        for name in [
            "post",
            "go.dev",
            "Rust-1.12.1",
            "notes.txt",
            ".fr",
            "x.FR",
            "x.fr-x",
        ] {
            assert_eq!(split_file_suffix(name), None, "{name}");
        }
    }

    #[test]
    fn names_and_phrases() {
        assert_eq!(name("fr"), "Français");
        assert_eq!(name("pt-BR"), "Português (BR)");
        assert_eq!(name("tlh"), "tlh");
        assert_eq!(Locale::of("de-AT").reading_time(3), "3 Min. Lesezeit");
        assert_eq!(Locale::of("es").reading_time(1), "1 min de lectura");
        assert_eq!(Locale::of("fr").reading_time(2), "2 min de lecture");
        assert_eq!(Locale::of("ja").reading_time(2), "2 min read");
    }
}
