"""Titles from département codes: « Lozère (48) » rather than « 48 »."""

from __future__ import annotations

from maillage.core.departements import NAMES

__all__ = ["NAMES", "territory_name"]


def territory_name(departements: list[str] | None) -> str:
    """« Lozère (48) », « Lozère (48), Gard (30) », « France entière »."""
    if departements is None:
        return "France entière"
    return ", ".join(f"{NAMES.get(d, 'Département')} ({d})" for d in departements)
