"""One French typography (maillage.core.french) and its template filters."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from maillage.core import french
from maillage.core.french import PARIS

NB = "\u00a0"


def test_the_first_of_the_month_is_1er_and_names_are_lower_case():
    assert french.day_label(dt.date(2027, 4, 1)) == "jeudi 1er avril"
    assert french.day_label(dt.date(2026, 12, 2), year=True) == "mercredi 2 décembre 2026"
    assert french.date_label(dt.date(2027, 8, 1)) == "1er août 2027"
    assert french.short_day_label(dt.date(2026, 12, 1)) == "mar. 1er déc."
    assert french.short_day_label(dt.date(2026, 12, 10), year=True) == "jeu. 10 déc. 2026"
    assert french.month_label(dt.date(2026, 12, 10)) == "décembre 2026"
    assert french.weekday_label(dt.date(2026, 11, 29)) == "dimanche"


def test_hours_are_10_h_and_10_h_30_and_spans_10_h_12_h():
    assert french.time_label(dt.time(10, 0)) == f"10{NB}h"
    assert french.time_label(dt.time(9, 5)) == f"9{NB}h{NB}05"
    assert french.time_label(dt.time(0, 0), end=True) == "minuit"
    a = dt.datetime(2027, 4, 1, 10, 0, tzinfo=PARIS)
    b = dt.datetime(2027, 4, 1, 12, 30, tzinfo=PARIS)
    assert french.interval_label(a, b) == f"10{NB}h – 12{NB}h{NB}30"
    assert french.datetime_label(a) == f"jeudi 1er avril à 10{NB}h"
    assert french.datetime_label(b, year=True) == f"jeudi 1er avril 2027 à 12{NB}h{NB}30"
    assert french.span_label(a, b) == f"jeudi 1er avril, 10{NB}h – 12{NB}h{NB}30"
    whole_day = dt.datetime(2027, 4, 2, tzinfo=PARIS)
    assert french.interval_label(whole_day, whole_day + dt.timedelta(days=1)) == (
        "toute la journée"
    )


def test_moments_are_shown_in_paris_time():
    utc = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 December in Paris
    assert french.datetime_label(utc) == f"mardi 1er décembre à 0{NB}h{NB}30"


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 lieu"), (1, "1 lieu"), (2, "2 lieux"), (1200, "1\u202f200 lieux")],
)
def test_counts_are_singular_for_0_and_1(n, expected):
    assert french.count_label(n, "lieu", "lieux") == expected


def test_numbers_group_thousands_and_use_a_decimal_comma():
    assert french.number_label(3.5) == "3,5"
    assert french.number_label(12345) == "12\u202f345"


def test_words_ignore_case_accents_and_plurals():
    assert french.words("Impôts, CARTES grises !") == ["impot", "carte", "grise"]
    assert french.words("Œuvres d'art") == ["oeuvre", "d", "art"]
    assert french.words("les lieux") == ["les", "lieu"]  # short words are kept
    assert french.singular("bus") == "bus" and french.singular("adresse") == "adresse"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_filters_are_builtin_and_say_the_same():
    start = dt.datetime(2027, 4, 1, 10, 0, tzinfo=PARIS)
    end = dt.datetime(2027, 4, 1, 12, 0, tzinfo=PARIS)
    out = render(
        "{{ s|fr_day }}|{{ s|fr_day:'year' }}|{{ s|fr_date }}|{{ s|fr_short_day }}|"
        "{{ s|fr_time }}|{{ s|fr_datetime }}|{{ s|fr_range:e }}|{{ s|fr_span:e }}|"
        "{{ s|fr_date_time }}|{{ zero|fr_count:_('lieu|lieux') }}|{{ two|fr_count:'lieu|lieux' }}|"
        "{{ none|fr_day }}",
        s=start,
        e=end,
        zero=0,
        two=2,
        none=None,
    )
    assert out.split("|") == [
        "jeudi 1er avril",
        "jeudi 1er avril 2027",
        "1er avril 2027",
        "jeu. 1er avr.",
        f"10{NB}h",
        f"jeudi 1er avril à 10{NB}h",
        f"10{NB}h – 12{NB}h",
        f"jeudi 1er avril, 10{NB}h – 12{NB}h",
        f"1er avril 2027 à 10{NB}h",
        "0 lieu",
        "2 lieux",
        "",
    ]


#: what Django's ``date`` filter may still write: machine-readable values
#: (``<time datetime>``, ``<input type="month">``), never text a person reads
MACHINE_FORMATS = {"c", "Y-m-d", "Y-m"}


def test_no_template_writes_a_date_for_people_with_django_s_date_filter():
    """Templates write days and hours through the fr_* filters, so a person reads « 1er avril,
    10 h – 12 h » everywhere (Django's |date writes « 1 avril » and « 10:00 »)."""
    src = Path(french.__file__).parents[1]
    found = []
    for path in sorted(src.rglob("templates/**/*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for m in re.finditer(r"\|(date|time)\b(?::([\"'])(.*?)\2)?", path.read_text()):
            if m.group(1) == "time" or m.group(3) not in MACHINE_FORMATS:
                found.append(f"{path.relative_to(src)}: {m.group(0)}")
    assert found == []


@pytest.mark.parametrize(
    ("name", "of", "at"),
    [
        ("Mende", "de Mende", "à Mende"),
        ("Le Malzieu-Ville", "du Malzieu-Ville", "au Malzieu-Ville"),
        ("Les Vans", "des Vans", "aux Vans"),
        ("La Canourgue", "de La Canourgue", "à La Canourgue"),
        ("Ispagnac", "d'Ispagnac", "à Ispagnac"),
        ("Éstables", "d'Éstables", "à Éstables"),
        ("Lesbos", "de Lesbos", "à Lesbos"),  # « Les » only as a word
    ],
)
def test_a_place_name_after_de_and_a(name, of, at):
    assert (french.of_name(name), french.at_name(name)) == (of, at)
