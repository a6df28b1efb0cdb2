"""Words people type, understood: a text query as terms a place must each match.

``parse_query("imprimante Florac")`` gives two terms. A term matches a place when
the place's text (name, summary, operator, commune, postal code, type; folded by
:func:`maillage.core.french.searchable`) contains it, or, for a word of the
vocabulary (:data:`maillage.places.taxonomy.VOCABULARY`), when the place offers
one of the functions it names: « imprimante » → « Accès numérique ». Every term
must match (AND). Case, accents and plurals are ignored on both sides.

The read model (:mod:`maillage.places.search`) and the SQL search
(:mod:`maillage.places.sql_search`) both match with :meth:`TextQuery.matches`,
and say why a place matched through the vocabulary with :meth:`TextQuery.reasons`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache

from maillage.core.french import searchable, words

from .taxonomy import FAMILIES, VOCABULARY

#: little words left out of a query unless it holds nothing else
STOP_WORDS = frozenset(
    "a au aux avec ce d de du en et l la le les mon ma me mes ou par pour sur un une".split()
)
#: longest phrase of the vocabulary, in words
_MAX_PHRASE = 6


@dataclass(frozen=True, slots=True)
class Term:
    """A word the person typed, or a phrase of the vocabulary. ``needle`` is what a
    place's text (:func:`place_text`: words between spaces) must contain: a typed
    word matches the start of a word (« flor » finds Florac), a vocabulary phrase
    whole words only (« CAF » is not « café »)."""

    needle: str
    typed: str  # as the person typed it (for « imprimante → Accès numérique »)
    functions: frozenset[str] = frozenset()  # a vocabulary phrase: the functions it names


@dataclass(frozen=True, slots=True)
class TextQuery:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def functions(self) -> frozenset[str]:
        """Every function the query's vocabulary words name."""
        return frozenset(f for t in self.terms for f in t.functions)

    def matches(self, text: str, functions: Collection[str]) -> bool:
        """Whether a place with this searchable ``text`` and these function slugs
        matches every term."""
        return all(
            t.needle in text or (t.functions and not t.functions.isdisjoint(functions))
            for t in self.terms
        )

    def reasons(self, text: str, functions: Collection[str]) -> list[str]:
        """Why a place matched through the vocabulary rather than its own words:
        ["imprimante → Accès numérique"]."""
        out = []
        for t in self.terms:
            if t.functions and t.needle not in text:
                offered = [
                    str(FUNCTION_LABELS[f])
                    for f in FUNCTION_ORDER
                    if f in t.functions and f in functions
                ]
                if offered:
                    out.append(f"{t.typed} → {', '.join(offered)}")
        return out


FUNCTION_ORDER: tuple[str, ...] = tuple(f[0] for fam in FAMILIES for f in fam[3])
FUNCTION_LABELS: dict[str, object] = {f[0]: f[1] for fam in FAMILIES for f in fam[3]}
_PUNCTUATION = ".,;:!?«»\"'()[]"


@cache
def phrases() -> dict[tuple[str, ...], frozenset[str]]:
    """Every phrase of the vocabulary (as singular folded words) → the functions it names;
    a function's own label is one of its phrases."""
    out: dict[tuple[str, ...], set[str]] = {}
    for fam in FAMILIES:
        for slug, label, _icon, _description in fam[3]:
            for phrase in (str(label), *VOCABULARY.get(slug, ())):
                key = tuple(words(phrase))
                if key:
                    out.setdefault(key, set()).add(slug)
    return {k: frozenset(v) for k, v in out.items()}


def parse_query(q: str) -> TextQuery:
    """The terms of a text query: vocabulary phrases (longest first) and other words."""
    raw = [w for w in (w.strip(_PUNCTUATION) for w in q.split()) if w]
    folded = [words(w) for w in raw]
    # (folded word, the typed word it came from)
    tokens = [(w, typed) for typed, ws in zip(raw, folded, strict=True) for w in ws]
    known = phrases()
    terms: list[Term] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            key = tuple(w for w, _t in tokens[i : i + size])
            if key in known:
                typed = " ".join(dict.fromkeys(t for _w, t in tokens[i : i + size]))
                terms.append(Term(f" {' '.join(key)} ", typed, known[key]))
                i += size
                break
        else:
            word, typed = tokens[i]
            terms.append(Term(f" {word}", typed))
            i += 1
    meaningful = [t for t in terms if t.functions or t.needle.strip() not in STOP_WORDS]
    return TextQuery(tuple(dict.fromkeys(meaningful or terms)))


def functions_for(text: str) -> frozenset[str]:
    """The functions that the words of ``text`` name (« imprimante » → digital-access):
    for the orientation engine and any free text."""
    return parse_query(text).functions


@lru_cache(maxsize=1 << 17)  # a rebuilt read model finds its unchanged places' texts here
def place_text(
    name: str, summary: str, operator: str, commune_name: str, postal_code: str, type_label: str
) -> str:
    """A place's searchable text (the fields a text query looks into), its words
    between spaces."""
    return f" {searchable(name, summary, operator, commune_name, postal_code, type_label)} "
