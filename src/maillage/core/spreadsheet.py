"""Text bound for a spreadsheet (CSV exports): never read as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet shows it as text: a leading ``'`` before what would
    start a formula (OWASP's CSV injection advice). Non-text values pass through."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
