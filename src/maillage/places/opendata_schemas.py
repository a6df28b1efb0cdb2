"""The French open-data schemas Maillage exports to, as data.

Two national schemas describe places like ours:

- **data·inclusion**, schema v1 (``data-inclusion-schema`` 1.x, 2025, by the GIP
  Plateforme de l'inclusion): *structures* and the *services* they offer.
  https://github.com/gip-inclusion/data-inclusion-schema (``src/data_inclusion/schema/v1``)
- **Lieux de médiation numérique**, « standard-mediation-num » v1.0.2 (La MedNum,
  ANCT, Datactivist), a Table Schema: https://schema.data.gouv.fr/LaMednum/standard-mediation-num/1.0.2/

Only the part of each schema we rely on is written here: required fields,
length limits, patterns, and the values of each enumeration that we may emit
(every value below is copied from the schema named above, so a value we emit
from these lists is valid). :data:`FUNCTION_VOCABULARIES` maps our function
slugs to both vocabularies in one table. The tests do not check the exports
against these lists: they run the schemas' own validators (data·inclusion's
pydantic models, frictionless on the standard's Table Schema;
``tests/official_schemas.py``).
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- data·inclusion v1

DATA_INCLUSION_VERSION = "data·inclusion schema v1 (1.x)"

DI_STRUCTURE_REQUIRED = ("source", "id", "nom", "description", "date_maj")
DI_SERVICE_REQUIRED = ("source", "structure_id", "id", "nom", "description", "date_maj")
# Every field of the v1 models we fill in (others are optional and left out).
DI_STRUCTURE_FIELDS = (
    "source",
    "id",
    "nom",
    "description",
    "date_maj",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
)
DI_SERVICE_FIELDS = (
    "source",
    "structure_id",
    "id",
    "nom",
    "description",
    "date_maj",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "modes_accueil",
    "horaires_accueil",
)
DI_NOM_LENGTH = (3, 150)  # and must not end with a full stop
DI_DESCRIPTION_LENGTH = (50, 2000)
DI_CODE_POSTAL = re.compile(r"^\d{5}$")
DI_CODE_COMMUNE = re.compile(r"^\w{5}$")

# Thématiques (v1 vocabulary), the values our functions map to.
DI_THEMATIQUES = frozenset(
    {
        "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
        "creer-une-entreprise--developper-son-entreprise",
        "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
        "numerique--acceder-a-des-services-en-ligne",
        "numerique--acceder-a-une-connexion-internet",
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "preparer-sa-candidature--developper-son-reseau",
        "remobilisation--activites-sportives-et-culturelles",
        "remobilisation--benevolat-action-citoyenne",
        "remobilisation--bien-etre-confiance-en-soi",
        "remobilisation--lien-social",
    }
)
DI_TYPES_SERVICE = frozenset(
    {
        "accompagnement",
        "aide-financiere",
        "aide-materielle",
        "atelier",
        "formation",
        "information",
    }
)
DI_FRAIS = frozenset({"gratuit", "payant"})
DI_MODES_ACCUEIL = frozenset({"a-distance", "en-presentiel"})
DI_PUBLICS = frozenset(
    {
        "actifs",
        "beneficiaires-des-minimas-sociaux",
        "demandeurs-emploi",
        "etudiants",
        "familles",
        "femmes",
        "jeunes",
        "personnes-en-situation-de-handicap",
        "personnes-en-situation-durgence",
        "personnes-en-situation-juridique-specifique",
        "personnes-exilees",
        "residents-qpv-frr",
        "seniors",
    }
)
# Réseaux porteurs (v1), the values our networks and place types map to.
DI_RESEAUX_PORTEURS = frozenset(
    {
        "communes",
        "conseillers-numeriques",
        "departements",
        "espaces-publics-numeriques",
        "fabrique-de-territoire",
        "france-service",
        "france-travail",
        "la-poste",
        "maisons-de-l-emploi",
        "mission-locale",
        "mjc",
        "msap",
        "mutualite-sociale-agricole",
        "reseau-information-jeunesse",
        "ressourceries",
    }
)

# Our network slugs (Network.slug) and place types → réseaux porteurs.
NETWORK_TO_DI_RESEAU = {
    "france-services": "france-service",
    "conseillers-numeriques": "conseillers-numeriques",
    "conseiller-numerique": "conseillers-numeriques",
    "fabriques-de-territoire": "fabrique-de-territoire",
    "fabrique-de-territoire": "fabrique-de-territoire",
    "msa": "mutualite-sociale-agricole",
    "la-poste": "la-poste",
    "mission-locale": "mission-locale",
    "maison-de-l-emploi": "maisons-de-l-emploi",
    "information-jeunesse": "reseau-information-jeunesse",
    "mjc": "mjc",
    "epn": "espaces-publics-numeriques",
}
TYPE_TO_DI_RESEAU = {
    "france-services": "france-service",
    "town-hall": "communes",
}

# Our audiences (Audience) → data·inclusion publics; "all" and the others: no restriction.
AUDIENCE_TO_DI_PUBLIC = {
    "independents": "actifs",
    "teleworkers": "actifs",
    "farmers": "actifs",
    "students": "etudiants",
    "job-seekers": "demandeurs-emploi",
    "young": "jeunes",
    "seniors": "seniors",
}
FEE_TO_DI_FRAIS = {"free": "gratuit", "paid": "payant"}  # "mixed": left to frais_precisions

# --------------------------------------------------------------------------- médiation numérique 1.0.2

MEDNUM_VERSION = "standard-mediation-num v1.0.2"
MEDNUM_REQUIRED = ("id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj")
MEDNUM_FIELDS = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)
MEDNUM_NO_PIVOT = "00000000000000"  # the schema's convention when a place has no SIRET/RNA
MEDNUM_PATTERNS = {
    "pivot": re.compile(r"^[a-zA-Z0-9]{9,14}$"),
    "code_postal": re.compile(r"^\d{5}$"),
    "code_insee": re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$"),
    "telephone": re.compile(
        r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$"
    ),
}
MEDNUM_RESUME_MAX = 280
MEDNUM_LIST_SEPARATOR = "|"
# Enumerations of the "|"-separated fields (values copied from the schema).
MEDNUM_ENUMS = {
    "services": frozenset(
        {
            "Aide aux démarches administratives",
            "Maîtrise des outils numériques du quotidien",
            "Insertion professionnelle via le numérique",
            "Utilisation sécurisée du numérique",
            "Parentalité et éducation avec le numérique",
            "Loisirs et créations numériques",
            "Compréhension du monde numérique",
            "Accès internet et matériel informatique",
            "Acquisition de matériel informatique à prix solidaire",
        }
    ),
    "itinerance": frozenset({"Itinérant", "Fixe"}),
    "publics_specifiquement_adresses": frozenset(
        {"Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"}
    ),
    "frais_a_charge": frozenset({"Gratuit", "Gratuit sous condition", "Payant"}),
    "dispositif_programmes_nationaux": frozenset(
        {
            "Aidants Connect",
            "Bibliothèques numérique de référence",
            "Certification PIX",
            "Conseillers numériques",
            "Emmaüs Connect",
            "France Services",
            "Grande école du numérique",
            "La Croix Rouge",
            "Point d'accès numérique CAF",
            "Promeneurs du net",
            "Relais numérique (Emmaüs Connect)",
        }
    ),
    "modalites_acces": frozenset(
        {
            "Se présenter",
            "Téléphoner",
            "Contacter par mail",
            "Prendre un RDV en ligne",
            "Ce lieu n'accueille pas de public",
            "Envoyer un mail avec une fiche de prescription",
        }
    ),
    # typologie: data·inclusion's "typologies de structures" (v0 vocabulary), the values we use.
    "typologie": frozenset(
        {
            "ASSO",
            "Autre",
            "BIB",
            "ENM",
            "EPN",
            "FABLAB",
            "ML",
            "MUNI",
            "PIJ_BIJ",
            "RFS",
            "TIERS_LIEUX",
        }
    ),
}
# Places offering one of these functions are "lieux de médiation numérique".
MEDNUM_FUNCTIONS = ("digital-mediation", "digital-access")
TYPE_TO_MEDNUM_TYPOLOGIE = {
    "france-services": "RFS",
    "telecentre": "TIERS_LIEUX",
    "tiers-lieu": "TIERS_LIEUX",
    "coworking": "TIERS_LIEUX",
    "co-home": "TIERS_LIEUX",
    "fablab": "FABLAB",
    "town-hall": "MUNI",
    "youth-service": "PIJ_BIJ",
    "association": "ASSO",
    "mobile-unit": "ENM",
}
AUDIENCE_TO_MEDNUM_PUBLIC = {"young": "Jeunes", "students": "Étudiants", "seniors": "Seniors"}
FEE_TO_MEDNUM_FRAIS = {"free": ("Gratuit",), "paid": ("Payant",), "mixed": ("Gratuit", "Payant")}

# --------------------------------------------------------------------------- our functions → both

# function slug → (data·inclusion thématiques, data·inclusion service type, médiation numérique services).
# A function with no thématique is not an "offre d'insertion": it yields no data·inclusion service.
FUNCTION_VOCABULARIES: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    "welcome": (("remobilisation--lien-social",), "information", ()),
    "citizen-agora": (("remobilisation--benevolat-action-citoyenne",), "information", ()),
    "events-training": (("remobilisation--lien-social",), "atelier", ()),
    "social-support": (
        (
            "remobilisation--bien-etre-confiance-en-soi",
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
        ),
        "accompagnement",
        (),
    ),
    "pooling": (("remobilisation--lien-social",), "information", ()),
    "culture": (("remobilisation--activites-sportives-et-culturelles",), "atelier", ()),
    "workspaces": ((), None, ()),
    "meeting-rooms": ((), None, ()),
    "digital-access": (
        (
            "numerique--acceder-a-une-connexion-internet",
            "numerique--acceder-a-des-services-en-ligne",
        ),
        "aide-materielle",
        ("Accès internet et matériel informatique",),
    ),
    "professional-network": (
        ("preparer-sa-candidature--developper-son-reseau",),
        "information",
        (),
    ),
    "business-transfer": (
        ("creer-une-entreprise--developper-son-entreprise",),
        "accompagnement",
        (),
    ),
    "resource-place": ((), None, ()),
    "entrepreneurship": (
        (
            "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
            "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
            "creer-une-entreprise--developper-son-entreprise",
        ),
        "accompagnement",
        (),
    ),
    "public-service-orientation": (
        (
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
        ),
        "accompagnement",
        ("Aide aux démarches administratives",),
    ),
    "digital-mediation": (
        (
            "numerique--maitriser-les-fondamentaux-du-numerique",
            "numerique--acceder-a-des-services-en-ligne",
        ),
        "accompagnement",
        ("Maîtrise des outils numériques du quotidien", "Aide aux démarches administratives"),
    ),
    "fablab": ((), None, ("Loisirs et créations numériques",)),
    "recyclery": ((), None, ()),
    "hackerspace": ((), None, ("Loisirs et créations numériques",)),
}
