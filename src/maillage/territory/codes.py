"""INSEE codes that name part of a commune: the municipal arrondissements.

Paris, Lyon and Marseille are each one commune (75056, 69123, 13055) divided by law
(loi PLM, 1982) into municipal arrondissements with their own INSEE codes: Paris
75101–75120, Lyon 69381–69389, Marseille 13201–13216. Files that locate something
by such a code (the France Services list does) mean the commune; the arrondissement
is kept for display. This is the one place that knows it.
"""

from __future__ import annotations

#: commune code -> (first arrondissement code, last arrondissement code)
ARRONDISSEMENTS: dict[str, tuple[int, int]] = {
    "75056": (75101, 75120),  # Paris
    "69123": (69381, 69389),  # Lyon
    "13055": (13201, 13216),  # Marseille
}


def commune_of_arrondissement(code: str) -> str | None:
    """The commune of a municipal arrondissement's INSEE code, None for any other code."""
    code = (code or "").strip()
    if len(code) != 5 or not code.isdigit():
        return None
    number = int(code)
    for commune, (first, last) in ARRONDISSEMENTS.items():
        if first <= number <= last:
            return commune
    return None


def commune_code(code: str) -> str:
    """The commune an INSEE code designates: the code itself, or the commune of an
    arrondissement (75118 -> 75056)."""
    return commune_of_arrondissement(code) or (code or "").strip()
