//! The words of the chrome and the article's furniture.

/// (key, [English, French, German, Spanish]).
pub(super) const TABLE: &[(&str, [&str; 4])] = &[
    (
        "skip",
        [
            "Skip to content",
            "Aller au contenu",
            "Zum Inhalt springen",
            "Saltar al contenido",
        ],
    ),
    (
        "search_label",
        [
            "Search the archive",
            "Rechercher dans les archives",
            "Archiv durchsuchen",
            "Buscar en el archivo",
        ],
    ),
    ("search", ["Search", "Rechercher", "Suchen", "Buscar"]),
    (
        "site_search",
        [
            "Site search",
            "Recherche sur le site",
            "Seitensuche",
            "Búsqueda en el sitio",
        ],
    ),
    ("archive", ["Archive", "Archives", "Archiv", "Archivo"]),
    ("tags", ["Tags", "Mots-clés", "Schlagwörter", "Etiquetas"]),
    (
        "get_in_touch",
        [
            "Get in touch →",
            "Me contacter →",
            "Kontakt aufnehmen →",
            "Contacto →",
        ],
    ),
    (
        "now_writing",
        [
            "Now writing",
            "En cours d’écriture",
            "Gerade in Arbeit",
            "Escribiendo ahora",
        ],
    ),
    (
        "latest",
        [
            "Latest dispatches",
            "Derniers articles",
            "Neueste Beiträge",
            "Últimos artículos",
        ],
    ),
    ("streams", ["Streams", "Rubriques", "Rubriken", "Secciones"]),
    ("stream_one", ["stream", "rubrique", "Rubrik", "sección"]),
    (
        "stream_many",
        ["streams", "rubriques", "Rubriken", "secciones"],
    ),
    (
        "dispatches",
        ["dispatches", "articles", "Beiträge", "artículos"],
    ),
    (
        "nothing_yet",
        [
            "Nothing is published yet.",
            "Rien n’est encore publié.",
            "Noch nichts veröffentlicht.",
            "Aún no hay nada publicado.",
        ],
    ),
    (
        "all_dispatches",
        [
            "← All dispatches",
            "← Tous les articles",
            "← Alle Beiträge",
            "← Todos los artículos",
        ],
    ),
    ("photo_by", ["Photo by", "Photo :", "Foto:", "Foto de"]),
    ("contents", ["Contents", "Sommaire", "Inhalt", "Contenido"]),
    ("sources", ["Sources", "Sources", "Quellen", "Fuentes"]),
    (
        "written_by",
        ["Written by", "Écrit par", "Geschrieben von", "Escrito por"],
    ),
    ("more_from", ["More from", "Plus de", "Mehr von", "Más de"]),
    ("previous", ["Previous", "Précédent", "Zurück", "Anterior"]),
    ("next", ["Next", "Suivant", "Weiter", "Siguiente"]),
    (
        "more",
        [
            "More dispatches",
            "Autres articles",
            "Weitere Beiträge",
            "Más artículos",
        ],
    ),
    (
        "related",
        [
            "Related dispatches",
            "Articles liés",
            "Ähnliche Beiträge",
            "Artículos relacionados",
        ],
    ),
    (
        "translations",
        [
            "This dispatch in:",
            "Cet article en :",
            "Dieser Beitrag auf:",
            "Este artículo en:",
        ],
    ),
    (
        "not_found",
        [
            "There is no page here",
            "Il n’y a pas de page ici",
            "Hier gibt es keine Seite",
            "Aquí no hay ninguna página",
        ],
    ),
    (
        "not_found_text",
        [
            "The address may be mistyped, or the page was moved. Try a search, or read one of the latest.",
            "L’adresse est peut-être mal saisie, ou la page a été déplacée. Essayez une recherche, ou lisez l’un des derniers articles.",
            "Die Adresse ist vielleicht falsch geschrieben, oder die Seite wurde verschoben. Versuchen Sie eine Suche, oder lesen Sie einen der neuesten Beiträge.",
            "Puede que la dirección esté mal escrita o que la página se haya movido. Pruebe una búsqueda o lea uno de los últimos artículos.",
        ],
    ),
    ("year", ["Year", "Année", "Jahr", "Año"]),
    ("role", ["Role", "Rôle", "Rolle", "Función"]),
    ("client", ["Client", "Client", "Auftraggeber", "Cliente"]),
    ("link", ["Link", "Lien", "Link", "Enlace"]),
    (
        "source_code",
        ["Source", "Code source", "Quellcode", "Código fuente"],
    ),
    (
        "no_projects",
        [
            "No projects yet.",
            "Aucun projet pour l’instant.",
            "Noch keine Projekte.",
            "Aún no hay proyectos.",
        ],
    ),
    (
        "no_tags",
        [
            "No tags yet.",
            "Aucun mot-clé pour l’instant.",
            "Noch keine Schlagwörter.",
            "Aún no hay etiquetas.",
        ],
    ),
];
