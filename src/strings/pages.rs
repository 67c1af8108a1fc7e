//! The words of lists, the search page, error pages, feeds' titles and the masthead.
//! `{n}`, `{m}`, `{q}`, `{title}` and `{tag}` are filled in (see `Words::fill`).

/// (key, [English, French, German, Spanish]).
pub(super) const TABLE: &[(&str, [&str; 4])] = &[
    (
        "newer",
        ["← Newer", "← Plus récents", "← Neuere", "← Más recientes"],
    ),
    (
        "older",
        ["Older →", "Plus anciens →", "Ältere →", "Más antiguos →"],
    ),
    (
        "page_of",
        [
            "Page {n} of {m}",
            "Page {n} sur {m}",
            "Seite {n} von {m}",
            "Página {n} de {m}",
        ],
    ),
    ("pages", ["Pages", "Pages", "Seiten", "Páginas"]),
    ("periods", ["Periods", "Périodes", "Zeiträume", "Periodos"]),
    ("site_menu", ["Site", "Site", "Website", "Sitio"]),
    (
        "introduction",
        ["Introduction", "Introduction", "Einleitung", "Introducción"],
    ),
    ("kicker_stream", ["Stream", "Rubrique", "Rubrik", "Sección"]),
    ("kicker_tag", ["Tag", "Mot-clé", "Schlagwort", "Etiqueta"]),
    ("kicker_author", ["Author", "Auteur", "Autor", "Autor"]),
    (
        "tagged",
        [
            "Tagged “{tag}”",
            "Mot-clé « {tag} »",
            "Schlagwort „{tag}“",
            "Etiqueta «{tag}»",
        ],
    ),
    ("volume", ["Vol.", "Vol.", "Jg.", "Vol."]),
    ("number", ["No.", "No", "Nr.", "N.º"]),
    (
        "not_found_title",
        [
            "Not found",
            "Introuvable",
            "Nicht gefunden",
            "No encontrado",
        ],
    ),
    (
        "removed",
        [
            "“{title}” was removed",
            "« {title} » a été retiré",
            "„{title}“ wurde entfernt",
            "«{title}» se retiró",
        ],
    ),
    (
        "removed_text",
        [
            "The author took this dispatch down. Search the archive, or read one of the latest.",
            "L’auteur a retiré cet article. Cherchez dans les archives, ou lisez l’un des derniers.",
            "Dieser Beitrag wurde zurückgezogen. Durchsuchen Sie das Archiv, oder lesen Sie einen der neuesten.",
            "El autor retiró este artículo. Busque en el archivo o lea uno de los últimos.",
        ],
    ),
    (
        "busy",
        [
            "Search is busy just now; please try again in a moment.",
            "La recherche est très demandée ; réessayez dans un instant.",
            "Die Suche ist gerade ausgelastet; bitte versuchen Sie es gleich noch einmal.",
            "La búsqueda está ocupada; inténtelo de nuevo en un momento.",
        ],
    ),
    (
        "search_how",
        [
            "How to search",
            "Comment chercher",
            "So suchen Sie",
            "Cómo buscar",
        ],
    ),
    (
        "search_all",
        [
            "All words must match:",
            "Tous les mots doivent figurer :",
            "Alle Wörter müssen vorkommen:",
            "Todas las palabras deben aparecer:",
        ],
    ),
    (
        "search_phrase",
        [
            "An exact phrase:",
            "Une expression exacte :",
            "Eine genaue Wortfolge:",
            "Una frase exacta:",
        ],
    ),
    (
        "search_prefix",
        [
            "a prefix:",
            "un début de mot :",
            "ein Wortanfang:",
            "un prefijo:",
        ],
    ),
    (
        "search_prefix_limits",
        [
            "(two letters at least, three prefixes at most)",
            "(deux lettres au moins, trois débuts de mot au plus)",
            "(mindestens zwei Buchstaben, höchstens drei Wortanfänge)",
            "(dos letras como mínimo, tres prefijos como máximo)",
        ],
    ),
    (
        "search_exclude",
        [
            "Leave a word out:",
            "Exclure un mot :",
            "Ein Wort ausschließen:",
            "Excluir una palabra:",
        ],
    ),
    (
        "search_either",
        [
            "either word:",
            "l’un ou l’autre mot :",
            "eines der Wörter:",
            "cualquiera de las palabras:",
        ],
    ),
    (
        "search_narrow",
        ["Narrow down:", "Affiner :", "Eingrenzen:", "Acotar:"],
    ),
    (
        "search_after",
        [
            "(April on)",
            "(à partir d’avril)",
            "(ab April)",
            "(desde abril)",
        ],
    ),
    (
        "search_not_tag",
        [
            "leaves a tag out",
            "exclut un mot-clé",
            "schließt ein Schlagwort aus",
            "excluye una etiqueta",
        ],
    ),
    (
        "active_filters",
        [
            "Active filters",
            "Filtres actifs",
            "Aktive Filter",
            "Filtros activos",
        ],
    ),
    (
        "remove_filter",
        [
            "Remove filter",
            "Retirer le filtre",
            "Filter entfernen",
            "Quitar el filtro",
        ],
    ),
    (
        "results_one",
        ["{n} result", "{n} résultat", "{n} Treffer", "{n} resultado"],
    ),
    (
        "results_many",
        [
            "{n} results",
            "{n} résultats",
            "{n} Treffer",
            "{n} resultados",
        ],
    ),
    (
        "results_for",
        [
            "{n} for “{q}”.",
            "{n} pour « {q} ».",
            "{n} für „{q}“.",
            "{n} para «{q}».",
        ],
    ),
    (
        "nothing_all",
        [
            "Nothing matched all of that. These would find something:",
            "Rien ne correspond à tout cela. Ces recherches trouveraient quelque chose :",
            "Nichts passt zu allem zugleich. Diese Suchen finden etwas:",
            "Nada coincide con todo eso. Estas búsquedas encontrarían algo:",
        ],
    ),
    (
        "nothing_try",
        [
            "Nothing matched. Try fewer words, a prefix such as",
            "Aucun résultat. Essayez moins de mots, un début de mot comme",
            "Nichts gefunden. Versuchen Sie weniger Wörter, einen Wortanfang wie",
            "Sin resultados. Pruebe con menos palabras, un prefijo como",
        ],
    ),
    (
        "nothing_browse",
        [
            ", or browse the",
            ", ou parcourez les",
            " oder stöbern Sie im",
            " o explore el",
        ],
    ),
    ("archive_word", ["archive", "archives", "Archiv", "archivo"]),
    (
        "preview_draft",
        [
            "Preview: a draft, not published.",
            "Aperçu : un brouillon, non publié.",
            "Vorschau: ein Entwurf, nicht veröffentlicht.",
            "Vista previa: un borrador, sin publicar.",
        ],
    ),
    (
        "preview_scheduled",
        [
            "Preview: scheduled for {day}, not published yet.",
            "Aperçu : prévu pour le {day}, pas encore publié.",
            "Vorschau: geplant für den {day}, noch nicht veröffentlicht.",
            "Vista previa: programado para el {day}, aún sin publicar.",
        ],
    ),
    (
        "preview_published",
        [
            "Preview: this article is published.",
            "Aperçu : cet article est publié.",
            "Vorschau: dieser Beitrag ist veröffentlicht.",
            "Vista previa: este artículo está publicado.",
        ],
    ),
    (
        "save_failed",
        [
            "Your latest save was not published, so this is the previous version.",
            "Votre dernier enregistrement n’a pas été publié ; voici la version précédente.",
            "Ihre letzte Änderung wurde nicht veröffentlicht; dies ist die vorige Fassung.",
            "Su último guardado no se publicó; esta es la versión anterior.",
        ],
    ),
];
