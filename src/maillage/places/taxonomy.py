"""The workshop's function taxonomy and the Solozère charter, as data.

Slugs are stable identifiers used by the API, filters, exports and the
other capabilities (journeys map needs onto them): rename the French labels
freely, never the slugs. Pictograms are Lucide icon names (ISC licence),
rendered inline and self-hosted by django-lucide.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (family slug, label, colour, [(function slug, label, icon, description)])
FAMILIES = [
    (
        "social-link",
        _("Lien social"),
        "#b5446e",
        [
            (
                "welcome",
                _("Accueil et aide à l'installation"),
                "hand-helping",
                _("Accueillir les nouveaux arrivants, les aider à s'installer."),
            ),
            (
                "citizen-agora",
                _("Agora citoyenne"),
                "megaphone",
                _("Un lieu d'expression et de débat citoyen."),
            ),
            (
                "events-training",
                _("Événements et formations"),
                "calendar-days",
                _("Ateliers, formations, conférences, petits-déjeuners débats."),
            ),
            (
                "social-support",
                _("Accompagnement social"),
                "heart-handshake",
                _("Écoute, accompagnement des personnes."),
            ),
            (
                "pooling",
                _("Mutualisation"),
                "share-2",
                _("Partage de compétences, de ressources, d'outils."),
            ),
            (
                "culture",
                _("Accès à la culture"),
                "drama",
                _("Spectacles, cinéma, expositions, pratiques culturelles."),
            ),
        ],
    ),
    (
        "infrastructure",
        _("Infrastructure"),
        "#2a6f97",
        [
            (
                "workspaces",
                _("Espaces de travail"),
                "laptop",
                _("Bureaux individuels et espaces de travail collectifs."),
            ),
            (
                "meeting-rooms",
                _("Salles de réunion"),
                "presentation",
                _("Salles de réunion et de visioconférence."),
            ),
            (
                "digital-access",
                _("Accès numérique"),
                "wifi",
                _("Connexion internet, ordinateurs, imprimante en libre accès."),
            ),
        ],
    ),
    (
        "business-services",
        _("Services aux entreprises"),
        "#7b5e1a",
        [
            (
                "professional-network",
                _("Réseau professionnel"),
                "network",
                _("Rencontrer d'autres professionnels, répondre ensemble à des marchés."),
            ),
            (
                "business-transfer",
                _("Aide à la transmission"),
                "handshake",
                _("Transmettre ou reprendre une entreprise, une ferme."),
            ),
            (
                "resource-place",
                _("Lieu ressource"),
                "book-open",
                _("Information, documentation, conseils."),
            ),
            (
                "entrepreneurship",
                _("Accompagnement à l'entrepreneuriat"),
                "rocket",
                _("Créer et développer son activité."),
            ),
        ],
    ),
    (
        "public-services",
        _("Services publics"),
        "#386641",
        [
            (
                "public-service-orientation",
                _("Orientation vers les services publics"),
                "signpost",
                _("Être orienté vers le bon service public, aide aux démarches."),
            ),
            (
                "digital-mediation",
                _("Médiation numérique"),
                "monitor-smartphone",
                _("Apprendre les outils numériques, être aidé pour les démarches en ligne."),
            ),
        ],
    ),
    (
        "makers",
        _("Dimension makers"),
        "#c75000",
        [
            (
                "fablab",
                _("Fablab"),
                "drill",
                _("Machines de fabrication numérique : imprimante 3D, découpe laser..."),
            ),
            ("recyclery", _("Recyclerie"), "recycle", _("Réparer, réemployer, recycler.")),
            (
                "hackerspace",
                _("Collectif créatif, hackerspace"),
                "cpu",
                _("Bidouiller, créer ensemble."),
            ),
        ],
    ),
]

# The words people use for what a function offers (equipment, services, the
# administrations it helps with), by function slug: « imprimante » finds the places
# offering « Accès numérique ». Searching ignores case, accents and plurals
# (maillage.core.french.words), so write each word once, in the singular; a phrase
# (« carte grise ») matches as a whole and wins over its words (« imprimante 3D » is
# the fablab's, « imprimante » alone digital access). A function's own label is
# always one of its words. Read by the directory's and the API's text search
# (maillage.places.vocabulary) and open to the orientation engine.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "welcome": (
        "accueil",
        "nouvel arrivant",
        "nouveaux arrivants",
        "arrivant",
        "s'installer",
        "installation",
        "déménagement",
        "emménager",
    ),
    "citizen-agora": ("agora", "débat", "démocratie", "participation citoyenne", "expression"),
    "events-training": ("formation", "conférence", "stage", "cours", "événement"),
    "social-support": (
        "écoute",
        "accompagnement social",
        "aide sociale",
        "assistante sociale",
        "assistant social",
        "solidarité",
        "isolement",
    ),
    "pooling": ("mutualisation", "prêt de matériel", "outil", "partage", "troc"),
    "culture": (
        "culture",
        "spectacle",
        "cinéma",
        "exposition",
        "concert",
        "théâtre",
        "bibliothèque",
        "médiathèque",
        "livre",
        "lecture",
    ),
    "workspaces": (
        "bureau",
        "coworking",
        "co-working",
        "télétravail",
        "poste de travail",
        "espace de travail",
        "open space",
    ),
    "meeting-rooms": (
        "visio",
        "visioconférence",
        "vidéoconférence",
        "salle",
        "salle de réunion",
        "réunion",
        "vidéoprojecteur",
        "projecteur",
        "zoom",
        "teams",
    ),
    "digital-access": (
        "imprimante",
        "impression",
        "imprimer",
        "photocopie",
        "photocopieuse",
        "photocopier",
        "scanner",
        "scan",
        "scanneur",
        "numériser",
        "wifi",
        "wi-fi",
        "internet",
        "connexion",
        "ordinateur",
        "ordi",
        "pc",
        "poste informatique",
        "fibre",
        "haut débit",
    ),
    "professional-network": ("réseau professionnel", "réseau d'entreprises", "artisan"),
    "business-transfer": ("transmission", "reprise d'entreprise", "cession", "reprendre une ferme"),
    "resource-place": ("documentation", "information", "conseil", "centre de ressources"),
    "entrepreneurship": (
        "créer mon entreprise",
        "création d'entreprise",
        "créer son entreprise",
        "auto-entrepreneur",
        "micro-entreprise",
        "entrepreneur",
        "business plan",
    ),
    "public-service-orientation": (
        "france services",
        "démarche",
        "démarches administratives",
        "administratif",
        "papiers",
        "caf",
        "allocations familiales",
        "apl",
        "rsa",
        "prime d'activité",
        "impôt",
        "impots.gouv",
        "retraite",
        "carsat",
        "carte grise",
        "permis de conduire",
        "ants",
        "passeport",
        "carte d'identité",
        "cpam",
        "assurance maladie",
        "ameli",
        "carte vitale",
        "msa",
        "pôle emploi",
        "france travail",
        "chômage",
        "état civil",
    ),
    "digital-mediation": (
        "médiation numérique",
        "conseiller numérique",
        "apprendre l'informatique",
        "informatique",
        "smartphone",
        "tablette",
        "courriel",
        "e-mail",
        "mail",
        "démarches en ligne",
        "franceconnect",
    ),
    "fablab": (
        "imprimante 3d",
        "impression 3d",
        "découpe laser",
        "laser",
        "fraiseuse",
        "cnc",
        "brodeuse",
        "fabrication numérique",
    ),
    "recyclery": (
        "réparation",
        "réparer",
        "repair café",
        "réemploi",
        "ressourcerie",
        "recyclage",
        "vélo",
    ),
    "hackerspace": ("hackerspace", "électronique", "arduino", "raspberry", "bidouille"),
}


# (slug, kind, category, label, icon)
CHARTER = [
    (
        "conviviality",
        "common",
        _("Convivialité"),
        _("Convivialité : café, cuisine, canapés, accueil chaleureux"),
        "coffee",
    ),
    (
        "work-comfort",
        "common",
        _("Confort de travail"),
        _("Confort de travail : bureaux partagés, Wi-Fi, cadre ergonomique"),
        "armchair",
    ),
    (
        "private-office-booking",
        "common",
        _("Confort de travail"),
        _("Bureaux privatifs sur réservation"),
        "lock",
    ),
    (
        "citizen-expression",
        "common",
        _("Expression citoyenne"),
        _("Expression citoyenne : agora, médias d'expression collective"),
        "message-square-text",
    ),
    ("mediator", "common", _("Régulateurs"), _("Un médiateur, animateur ou concierge"), "users"),
    (
        "programming-booking-tools",
        "common",
        _("Régulateurs"),
        _("Outils de programmation et de réservation de salles"),
        "calendar-days",
    ),
    (
        "shared-directory",
        "common",
        _("Régulateurs"),
        _("Inscrit à l'annuaire partagé du réseau"),
        "book-open",
    ),
    ("ethical-frame", "common", _("Régulateurs"), _("Cadre éthique partagé"), "handshake"),
    (
        "very-high-speed",
        "specialisation",
        _("Spécialisations"),
        _("Internet très haut débit"),
        "zap",
    ),
    ("private-office", "specialisation", _("Spécialisations"), _("Bureau privatif"), "lock"),
    (
        "digital-fabrication",
        "specialisation",
        _("Spécialisations"),
        _("Fabrication numérique"),
        "printer",
    ),
    (
        "entrepreneurship-support",
        "specialisation",
        _("Spécialisations"),
        _("Accompagnement à l'entrepreneuriat"),
        "rocket",
    ),
    ("playful", "specialisation", _("Spécialisations"), _("Approche ludique"), "gamepad-2"),
    (
        "cultural-programming",
        "specialisation",
        _("Spécialisations"),
        _("Programmation culturelle"),
        "music",
    ),
    ("hackerspace", "specialisation", _("Spécialisations"), _("Hackerspace"), "cpu"),
    (
        "lifestyle",
        "specialisation",
        _("Spécialisations"),
        _("Art de vivre : hébergement, restauration"),
        "house",
    ),
    (
        "sector-place",
        "specialisation",
        _("Spécialisations"),
        _("Lieu sectoriel : fabrication experte, culture"),
        "factory",
    ),
]


def sync_taxonomy(apps=None) -> None:
    """Create or update the families, functions and charter items (idempotent).

    Called by a data migration (with ``apps``) and usable from code and tests.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    family_model = apps.get_model("places", "FunctionFamily")
    function_model = apps.get_model("places", "Function")
    charter_model = apps.get_model("places", "CharterItem")
    for family_position, (slug, name, color, functions) in enumerate(FAMILIES):
        family, _created = family_model.objects.update_or_create(
            slug=slug, defaults={"name": str(name), "color": color, "position": family_position}
        )
        for position, (fslug, fname, icon, description) in enumerate(functions):
            function_model.objects.update_or_create(
                slug=fslug,
                defaults={
                    "family": family,
                    "name": str(fname),
                    "icon": icon,
                    "description": str(description),
                    "position": position,
                },
            )
    for position, (slug, kind, category, name, icon) in enumerate(CHARTER):
        charter_model.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "category": str(category),
                "name": str(name),
                "icon": icon,
                "position": position,
            },
        )
