"""Phone numbers in E.164, read the way the French numbering plan reads them.

A French number written nationally (``02 62 41 00 00``) only means something
with its territory: in La Réunion it is ``+262 262 41 00 00``, in metropolitan
France it would be ``+33 2 62 41 00 00`` (another line). The region comes from
the place's département; the parsing and validation are Google's
libphonenumber data (the ``phonenumbers`` package), not a hand-written pattern.
"""

from __future__ import annotations

import phonenumbers

# Overseas départements and collectivities whose numbers belong to a region of
# their own in the numbering plan (ISO 3166 code, as libphonenumber names them).
DEPARTEMENT_REGIONS = {
    "971": "GP",  # Guadeloupe
    "972": "MQ",  # Martinique
    "973": "GF",  # Guyane
    "974": "RE",  # La Réunion
    "975": "PM",  # Saint-Pierre-et-Miquelon
    "976": "YT",  # Mayotte
    "977": "BL",  # Saint-Barthélemy
    "978": "MF",  # Saint-Martin
    "986": "WF",  # Wallis-et-Futuna
    "987": "PF",  # Polynésie française
    "988": "NC",  # Nouvelle-Calédonie
}


def region_of_departement(departement: str | None) -> str:
    """The numbering region of a département code (``"974"`` → ``"RE"``; metropolitan: ``"FR"``)."""
    return DEPARTEMENT_REGIONS.get((departement or "").strip(), "FR")


def departement_of_insee(code: str | None) -> str:
    """The département of an INSEE commune code (``"97411"`` → ``"974"``, ``"48095"`` → ``"48"``)."""
    code = (code or "").strip()
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def e164(number: str | None, departement: str | None = None) -> str | None:
    """``number`` as E.164 (``+262262410000``), read in the région of ``departement``;
    None when it is not a valid phone number there."""
    if not number or not number.strip():
        return None
    try:
        parsed = phonenumbers.parse(number, region_of_departement(departement))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
