"""/maillage/: the page works without JavaScript (tables), respects the strict CSP,
is labelled, and runs recommendations and scenarios from its GET forms."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest


class Scan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self._text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "script":
            self._script, self._text = a, []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)
        else:
            self.text.append(data)


def scan(response) -> Scan:
    s = Scan()
    s.feed(response.content.decode())
    return s


def text_of(s: Scan) -> str:
    """The visible text, ASCII white space collapsed (narrow no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", " ".join(s.text)).strip()


def test_the_page_shows_the_figures_without_javascript(client, lozere):
    r = client.get("/maillage/", {"type": "france-services", "threshold": "10"})
    assert r.status_code == 200
    s = scan(r)
    text = text_of(s)
    assert "84,9\u202f%" in text and "64\u202f907" in text
    assert "Peyre en Aubrac" in text  # the underserved list, most populated first
    assert "France services de Mende" in text  # the catchments
    # tables have headers; the form's fields have labels
    assert any(t == "th" and a.get("scope") == "col" for t, a in s.tags)
    ids = {a["id"] for t, a in s.tags if t in {"input", "select"} and "id" in a}
    labelled = {a["for"] for t, a in s.tags if t == "label"}
    assert ids <= labelled


def test_the_map_data_travel_as_json_and_no_inline_code(client, lozere):
    r = client.get("/maillage/", {"type": "france-services"})
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    s = scan(r)
    inline = [a for a, body in s.scripts if "src" not in a and a.get("type") != "application/json"]
    assert inline == []
    assert not [t for t, a in s.tags if "style" in a or any(k.startswith("on") for k in a)]
    assert not [a for t, a in s.tags if t == "style"]
    data = json.loads(next(body for a, body in s.scripts if a.get("id") == "analysis-data"))
    assert len(data["communes"]) == 158 and data["unit"] == "km"
    cost, nearest, population = data["communes"]["48095"]
    assert cost < 2 and nearest.startswith("France services") and population > 10_000
    assert len(data["places"]) == 20 and [c["high"] for c in data["classes"]] == [
        5,
        10,
        20,
        30,
        None,
    ]
    node = next(a for t, a in s.tags if "data-analysis-map" in a)
    assert node["data-boundaries-url"] == "/api/communes.geojson?dept=48"
    # the map's scripts, fetched after the page's load event by web/mapload.js
    loader = next(a for a, _ in s.scripts if a.get("src", "").endswith("web/mapload.js"))
    scripts = loader["data-scripts"].split()
    assert any(src.endswith("vendor/leaflet/leaflet.js") for src in scripts)
    assert scripts[-1].endswith("analysis/analysis.js")
    # nothing asked from another host
    assert not [
        v for _t, a in s.tags for k, v in a.items() if k in {"src", "href", "action"} and "//" in v
    ]


def test_a_recommendation_run_is_shown_and_marked_on_the_map(client, lozere):
    r = client.get("/maillage/", {"type": "france-services", "threshold": "10", "add": "3"})
    assert r.status_code == 200
    s = scan(r)
    text = text_of(s)
    assert "Aucun autre choix ne fait mieux : c'est prouvé." in text
    assert "72\u202f978" in text
    data = json.loads(next(body for a, body in s.scripts if a.get("id") == "analysis-data"))
    assert len(data["new"]) == 3 and all(44 < n["lat"] < 45 for n in data["new"])


def test_a_scenario_is_compared_side_by_side(client, lozere):
    r = client.get(
        "/maillage/",
        {
            "type": "france-services",
            "threshold": "10",
            "close": "france-services-marvejols",
            "open": "48104",
        },
    )
    assert r.status_code == 200
    text = text_of(scan(r))
    assert "Fermé : France services Marvejols." in text
    assert "Ouvert : un lieu au centre de Nasbinals." in text
    assert "Avant" in text and "Après" in text and "Écart" in text


def test_time_and_date(client, lozere):
    r = client.get("/maillage/", {"travel": "mountain", "threshold": "20", "date": "2026-11-28"})
    assert r.status_code == 200
    text = text_of(scan(r))
    assert "20\u202fmin" in text and "fermés le 28 novembre 2026" in text


def test_a_place_of_unknown_hours_is_said_unknown_on_a_date(client, lozere):
    from .test_adapter import make_place

    make_place("fablab-sans-horaires", "48061", ["fablab"])
    r = client.get("/maillage/", {"function": "fablab", "date": "2026-11-26"})
    assert r.status_code == 200
    text = text_of(scan(r))
    assert "1 lieu dont les horaires ne sont pas renseignés ne compte pas ce jour-là" in text
    found = re.search(r"S'il l'était, ([\d\u202f]+) habitants \(([\d,]+)\u202f%\)", text)
    assert found and int(found.group(1).replace("\u202f", "")) > 0
    # without a date, it counts and nothing is said
    text = text_of(scan(client.get("/maillage/", {"function": "fablab"})))
    assert "horaires ne sont pas renseignés" not in text


@pytest.mark.parametrize(
    "params",
    [
        {"threshold": "abc"},
        {"threshold": "-3"},
        {"date": "hier"},
        {"function": "boulangerie"},
        {"travel": "fusée"},
        {"dept": "999999"},
        {"add": "5000"},
        {"close": "nulle-part"},
        {"open": "99999"},
    ],
)
def test_bad_values_are_explained_not_500(client, lozere, params):
    r = client.get("/maillage/", params)
    assert r.status_code == 400
    assert "Un paramètre ne va pas" in r.content.decode()


def test_the_nav_item_for_the_site_header(rf, lozere):
    """analysis/_nav.html is the nav item web/base.html can include (slot nav_extra)."""
    from django.template.loader import render_to_string
    from django.urls import resolve

    request = rf.get("/maillage/")
    request.resolver_match = resolve("/maillage/")
    html = render_to_string("analysis/_nav.html", {"request": request})
    assert 'href="/maillage/"' in html and 'aria-current="page"' in html
    assert "Maillage du territoire" in html and "<svg" in html


def test_the_date_is_written_the_french_way(client, lozere):
    r = client.get("/maillage/", {"date": "2026-12-01"})
    assert r.status_code == 200
    assert "fermés le 1er décembre 2026" in text_of(scan(r))
