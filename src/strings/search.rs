//! Why a search was refused, in words a reader can act on: each names what to change.
//! `{key}`, `{value}`, `{word}`, `{min}` and `{max}` are filled in (see `Words::fill`).

/// (key, [English, French, German, Spanish]).
pub(super) const TABLE: &[(&str, [&str; 4])] = &[
    (
        "search_needs_date_before",
        [
            "`before:{value}` needs a date such as 2024, 2024-06 or 2024-06-30 (articles before it).",
            "`before:{value}` demande une date comme 2024, 2024-06 ou 2024-06-30 (les articles d’avant).",
            "`before:{value}` braucht ein Datum wie 2024, 2024-06 oder 2024-06-30 (Artikel davor).",
            "`before:{value}` necesita una fecha como 2024, 2024-06 o 2024-06-30 (artículos anteriores).",
        ],
    ),
    (
        "search_needs_date_after",
        [
            "`after:{value}` needs a date such as 2024, 2024-06 or 2024-06-30 (articles after it).",
            "`after:{value}` demande une date comme 2024, 2024-06 ou 2024-06-30 (les articles d’après).",
            "`after:{value}` braucht ein Datum wie 2024, 2024-06 oder 2024-06-30 (Artikel danach).",
            "`after:{value}` necesita una fecha como 2024, 2024-06 o 2024-06-30 (artículos posteriores).",
        ],
    ),
    (
        "search_no_negation",
        [
            "`-{key}:` cannot be negated; use a filter such as before:2024 or after:2024 instead.",
            "`-{key}:` ne peut pas être nié ; utilisez plutôt un filtre comme before:2024 ou after:2024.",
            "`-{key}:` lässt sich nicht verneinen; nehmen Sie stattdessen einen Filter wie before:2024 oder after:2024.",
            "`-{key}:` no se puede negar; use en su lugar un filtro como before:2024 o after:2024.",
        ],
    ),
    (
        "search_needs_year",
        [
            "`year:{value}` needs a year such as 2024.",
            "`year:{value}` demande une année comme 2024.",
            "`year:{value}` braucht ein Jahr wie 2024.",
            "`year:{value}` necesita un año como 2024.",
        ],
    ),
    (
        "search_too_long",
        [
            "That query is too long; keep it under {max} characters.",
            "Cette recherche est trop longue ; restez sous {max} caractères.",
            "Diese Suche ist zu lang; bleiben Sie unter {max} Zeichen.",
            "Esa búsqueda es demasiado larga; no pase de {max} caracteres.",
        ],
    ),
    (
        "search_too_many_terms",
        [
            "That query has too many terms; use at most {max}.",
            "Cette recherche a trop de termes ; utilisez-en au plus {max}.",
            "Diese Suche hat zu viele Begriffe; verwenden Sie höchstens {max}.",
            "Esa búsqueda tiene demasiados términos; use como máximo {max}.",
        ],
    ),
    (
        "search_only_exclusions",
        [
            "Add a word to search for; a query of only exclusions matches nothing.",
            "Ajoutez un mot à chercher ; une recherche faite seulement d’exclusions ne trouve rien.",
            "Geben Sie ein Wort zum Suchen an; eine Suche nur aus Ausschlüssen findet nichts.",
            "Añada una palabra que buscar; una búsqueda solo de exclusiones no encuentra nada.",
        ],
    ),
    (
        "search_short_prefix",
        [
            "`{word}*` is too short a prefix to search for; type at least {min} letters before the `*` (such as `{word}a*`), or the whole word.",
            "`{word}*` est un préfixe trop court ; tapez au moins {min} lettres avant le `*` (comme `{word}a*`), ou le mot entier.",
            "`{word}*` ist ein zu kurzer Wortanfang; tippen Sie mindestens {min} Buchstaben vor dem `*` (etwa `{word}a*`) oder das ganze Wort.",
            "`{word}*` es un prefijo demasiado corto; escriba al menos {min} letras antes del `*` (como `{word}a*`) o la palabra entera.",
        ],
    ),
    (
        "search_too_many_prefixes",
        [
            "That query has too many prefixes; use at most {max} words ending in `*`, and whole words for the rest.",
            "Cette recherche a trop de préfixes ; utilisez au plus {max} mots finissant par `*`, et des mots entiers pour le reste.",
            "Diese Suche hat zu viele Wortanfänge; höchstens {max} Wörter mit `*`, für den Rest ganze Wörter.",
            "Esa búsqueda tiene demasiados prefijos; use como máximo {max} palabras que terminen en `*` y palabras enteras para el resto.",
        ],
    ),
    (
        "search_too_broad",
        [
            "That search is too broad to finish quickly; add a word, or make a prefix longer.",
            "Cette recherche est trop large pour aboutir vite ; ajoutez un mot ou allongez un préfixe.",
            "Diese Suche ist zu breit, um schnell fertig zu werden; fügen Sie ein Wort hinzu oder verlängern Sie einen Wortanfang.",
            "Esa búsqueda es demasiado amplia para terminar rápido; añada una palabra o alargue un prefijo.",
        ],
    ),
];
