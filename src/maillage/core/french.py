"""French typography: ONE way to write a day, an hour, a count, and to compare words.

Every page, e-mail and text the platform writes takes its dates, hours and counts
from here (templates through the filters of ``maillage.core.templatetags.french``,
a builtin library: no ``{% load %}`` needed):

- a day: « jeudi 1er avril », « mardi 2 décembre 2026 » (the first of the month is
  « 1er »; weekdays and months in lower case, as French writes them);
- a short day: « jeu. 1er déc. » (never Django's capitalised « Déc »);
- an hour: « 10 h », « 10 h 30 » (non-breaking spaces); a span « 10 h – 12 h »;
- a count: « 0 lieu », « 1 lieu », « 2 lieux » (French: 0 and 1 are singular);
- a place name after « de » or « à »: « du Malzieu-Ville », « aux Vans »,
  « d'Ispagnac », « de Mende » (:func:`of_name`, :func:`at_name`);
- words compared as people type them: :func:`fold` ignores case and accents,
  :func:`singular` a plural's final « s » or « x ».

Moments are shown in the territory's civil time (Europe/Paris).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


# ---------------------------------------------------------------- moments


def local(moment: dt.datetime | dt.date) -> dt.datetime | dt.date:
    """An aware datetime in Paris time; a naive one is taken as Paris time; a date as is."""
    if isinstance(moment, dt.datetime):
        return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)
    return moment


def _day_of(moment: dt.datetime | dt.date) -> dt.date:
    moment = local(moment)
    return moment.date() if isinstance(moment, dt.datetime) else moment


def day_number(day: dt.date) -> str:
    """« 1er » for the first of the month, else the number."""
    return _("1er") if day.day == 1 else str(day.day)


def day_label(moment: dt.datetime | dt.date, *, year: bool = False, weekday: bool = True) -> str:
    """« jeudi 1er avril », « mercredi 2 décembre 2026 » (``year``), « 1er avril » (no weekday)."""
    day = _day_of(moment)
    parts = [date_format(day, "l")] if weekday else []
    parts += [day_number(day), date_format(day, "F")]
    if year:
        parts.append(str(day.year))
    return " ".join(parts)


def date_label(moment: dt.datetime | dt.date) -> str:
    """« 1er avril 2027 », « 25 novembre 2026 »: a date in a sentence (no weekday)."""
    return day_label(moment, year=True, weekday=False)


def short_day_label(moment: dt.datetime | dt.date, *, year: bool = False) -> str:
    """« jeu. 1er déc. », « mar. 2 déc. 2026 »: tables and calendars."""
    day = _day_of(moment)
    parts = [date_format(day, "D") + ".", day_number(day), date_format(day, "N")]
    if year:
        parts.append(str(day.year))
    return " ".join(parts)


def weekday_label(moment: dt.datetime | dt.date) -> str:
    return date_format(_day_of(moment), "l")


def month_label(moment: dt.datetime | dt.date, *, year: bool = True) -> str:
    """« décembre 2026 » (lower case, as French writes a month)."""
    day = _day_of(moment)
    return f"{date_format(day, 'F')} {day.year}" if year else date_format(day, "F")


def time_label(moment: dt.datetime | dt.time, *, end: bool = False) -> str:
    """« 9 h », « 9 h 30 »; midnight at the end of a span is « minuit »."""
    if isinstance(moment, dt.datetime):
        moment = local(moment)
    if end and moment.hour == 0 and moment.minute == 0:
        return _("minuit")
    # Non-breaking spaces: "9 h 30" never splits across lines.
    if moment.minute == 0:
        return _("%(hour)d\u00a0h") % {"hour": moment.hour}
    return _("%(hour)d\u00a0h\u00a0%(minute)02d") % {"hour": moment.hour, "minute": moment.minute}


def interval_label(start: dt.datetime | dt.time, end: dt.datetime | dt.time) -> str:
    """« 10 h – 12 h »; a span of whole days is « toute la journée »."""
    if (
        isinstance(start, dt.datetime)
        and isinstance(end, dt.datetime)
        and local(start).time() == dt.time()
        and end - start >= dt.timedelta(days=1)
    ):
        return _("toute la journée")
    return _("%(start)s – %(end)s") % {"start": time_label(start), "end": time_label(end, end=True)}


def datetime_label(moment: dt.datetime, *, year: bool = False, weekday: bool = True) -> str:
    """« jeudi 1er avril à 10 h 30 », « jeudi 1er avril 2027 à 10 h »."""
    return _("%(day)s à %(time)s") % {
        "day": day_label(moment, year=year, weekday=weekday),
        "time": time_label(moment),
    }


def span_label(start: dt.datetime, end: dt.datetime, *, year: bool = False) -> str:
    """« jeudi 1er avril, 10 h – 12 h »; over several days « du … au … »."""
    a, b = local(start), local(end)
    if a.date() == b.date() or (b - a <= dt.timedelta(days=1) and b.time() == dt.time()):
        return f"{day_label(a, year=year)}, {interval_label(a, b)}"
    return _("du %(start)s au %(end)s") % {
        "start": datetime_label(a, year=year),
        "end": datetime_label(b, year=year),
    }


# ---------------------------------------------------------------- counts


def is_plural(n: int | float) -> bool:
    """French: 0 and 1 are singular (« 0 lieu », « 1,5 km » is not a count)."""
    return abs(n) >= 2


def count_label(n: int, singular: str, plural: str) -> str:
    """« 0 lieu », « 1 lieu », « 2 lieux », « 1 200 lieux » (a narrow space groups thousands)."""
    word = plural if is_plural(n) else singular
    return f"{number_label(n)} {word}"


def number_label(n: int | float) -> str:
    """« 1 200 », « 3,5 »: French digit grouping (narrow no-break space) and decimal comma."""
    if isinstance(n, float) and not n.is_integer():
        whole, _dot, frac = f"{n:,.2f}".rstrip("0").partition(".")
        return whole.replace(",", "\u202f") + "," + frac
    return f"{int(n):,}".replace(",", "\u202f")


# ---------------------------------------------------------------- words


_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae", "ß": "ss"})


#: the combining marks NFKD splits accents into (one regex pass: fast on long texts)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelt out: « Impôts » → « impots »."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_LIGATURES))).casefold()


def singular(word: str) -> str:
    """A folded word without a plural's final « s » or « x » (« impots » → « impot »,
    « lieux » → « lieu »): the same on both sides of a comparison, so « accès » →
    « acce » does no harm. Short words (« os », « 3d ») are kept."""
    if len(word) > 3 and word[-1] in "sx" and word[-2] != "s":
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of ``text``, plural-free: « Cartes grises ! » → [carte, grise]."""
    return [
        w[:-1] if len(w) > 3 and w[-1] in "sx" and w[-2] != "s" else w  # singular(), inlined
        for w in _NOT_WORD.split(fold(text))
        if w
    ]


def searchable(*texts: str) -> str:
    """One line that :func:`words`'s needles are looked up in: each text folded, its
    words singular and space-separated, texts separated by « | » (a needle never
    spans two of them)."""
    return " | ".join(" ".join(words(t)) for t in texts if t)


# ---------------------------------------------------------------- names after « de », « à »

# A name's leading article contracts with « de » and « à » (« Le Malzieu-Ville » ->
# « du Malzieu-Ville », « au Malzieu-Ville »); « La » and « L' » do not.
_CONTRACTED = (("Le ", "du ", "au "), ("Les ", "des ", "aux "))
_VOWELS = "AEIOUYÂÊÎÔÛÉÈËÏÜŒ"


def of_name(name: str) -> str:
    """« de » before a place name, as French writes it: « de Mende », « du
    Malzieu-Ville », « des Vans », « d'Ispagnac », « de La Canourgue »."""
    for article, of, _at in _CONTRACTED:
        if name.startswith(article):
            return of + name[len(article) :]
    if name[:1].upper() in _VOWELS:
        return "d'" + name
    return "de " + name


def at_name(name: str) -> str:
    """« à » before a place name: « à Mende », « au Malzieu-Ville », « aux Vans »."""
    for article, _of, at in _CONTRACTED:
        if name.startswith(article):
            return at + name[len(article) :]
    return "à " + name
