"""The analysis page on the demo (``maillage load-demo``: Lozère's real open data and
the demo places): catchments by function with ties shared, the report a click away,
the « Et si… » scenario changing the map and the tables."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from maillage.analysis import services

from .test_page import scan, text_of

TODAY = dt.date(2026, 11, 25)
NASBINALS = "48104"


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, open_data_dir):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from maillage.places.demo import load_demo

    from .conftest import _wipe

    old = settings.MAILLAGE_OPEN_DATA
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    with django_db_blocker.unblock():
        _wipe()
        load_demo(today=TODAY)
    yield
    with django_db_blocker.unblock():
        _wipe()
        # the demo's accounts too, as the journeys' demo fixture does
        get_user_model().objects.filter(username__in=["coordination", "hote"]).delete()
    settings.MAILLAGE_OPEN_DATA = old


@pytest.fixture
def demo(demo_db, db):
    return None


def by_name(rows):
    return {r["name"]: r for r in rows}


def test_france_services_de_mende_has_the_catchment_of_its_function(demo):
    q = services.make_query(departements=["48"], function="digital-mediation")
    a = services.analyse(q)
    rows = by_name(a.catchment_rows())
    mende = rows["France services de Mende"]
    assert mende["function"] == "digital-mediation" and mende["population"] > 10_000
    # Polen (a coworking) does not offer digital mediation: it is no candidate
    assert "Polen" not in rows
    # the whole population is someone's, ties included
    assert sum(r["population"] for r in rows.values()) == pytest.approx(a.summary()["population"])
    # Lanuéjols is as far (to the metre) from the France Services and the MSA's
    # itinerant France Services, both in Mende: its people are split half and half
    msa = rows["France services MSA itinérante de Lozère"]
    assert mende["shared_communes"] == 1 and msa["shared_communes"] == 1


def test_without_a_function_each_place_counts_for_each_thing_it_offers(demo):
    a = services.analyse(services.make_query(departements=["48"]))
    tables = {t["function"]: by_name(t["rows"]) for t in a.catchment_tables()}
    # for digital access the coworking next door is nearer to Mende's centre…
    assert tables["digital-access"]["Polen"]["population"] > 10_000
    # …but the France Services keeps its own catchment for what only it offers nearby
    assert tables["digital-mediation"]["France services de Mende"]["population"] > 10_000
    assert "Polen" not in tables["digital-mediation"]
    pop = a.summary()["population"]
    for rows in tables.values():
        assert sum(r["population"] for r in rows.values()) == pytest.approx(pop)


def test_a_mobile_stop_is_a_candidate_on_its_days_only(demo):
    # the tiers-truck stops in Mende on Saturdays (Sa 08:00-12:30), Saint-Chély on Mondays
    def stops(day):
        q = services.make_query(departements=["48"], function="digital-access", on=day)
        rows = services.analyse(q).catchment_rows()
        return {r["name"] for r in rows if r["mobile_stop"] and r["place"] == "tiers-truck"}

    saturday = TODAY + dt.timedelta(days=3)
    assert saturday.weekday() == 5
    assert any("Mende" in n for n in stops(saturday))
    assert not any("Mende" in n for n in stops(saturday + dt.timedelta(days=1)))


def test_the_page_shows_the_catchment_and_explains_the_rule(client, demo):
    r = client.get("/maillage/", {"function": "digital-mediation"})
    assert r.status_code == 200
    text = text_of(scan(r))
    assert "partagés à parts égales" in text and "la même distance" in text
    after = text[text.index("Le bassin de chaque lieu") :]
    row = after[after.index("France services de Mende") :][:80]
    figure = row.split("Mende", 2)[2].split()[0:2]
    assert int("".join(figure)) > 10_000, row
    # no developer words on a page for elected officials
    for word in ("/api/", "branch", "maillage report", "maillage coverage", "séparation"):
        assert word not in text


def test_the_report_is_a_click_away_with_the_page_parameters(client, demo):
    r = client.get("/maillage/", {"type": "france-services", "threshold": "15"})
    links = [a["href"] for t, a in scan(r).tags if t == "a" and "rapport" in a.get("href", "")]
    pdf = next(h for h in links if "rapport.pdf" in h)
    assert "type=france-services" in pdf and "threshold=15" in pdf
    got = client.get(pdf)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    png = client.get(next(h for h in links if "rapport.png" in h))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "query, word",
    [
        ({"threshold": "9999"}, "seuil"),
        ({"date": "2026-02-31"}, "date"),
        ({"dept": ",".join(f"{n:02d}" for n in range(1, 30))}, "départements"),
        ({"type": "fusée"}, "type"),
        ({"add": "99"}, "add"),
        ({"close": "no-such-place"}, "close"),
        ({"open": "99999"}, "open"),
        ({"page": "2"}, "« page »"),
    ],
)
def test_a_bad_report_parameter_is_a_clear_400(client, demo, query, word):
    r = client.get("/maillage/rapport.pdf", query)
    assert r.status_code == 400 and r["Content-Type"].startswith("text/plain")
    assert word in r.content.decode()


@pytest.mark.tools("pdftotext")
def test_the_report_shows_the_scenario_the_page_shows(client, demo, tmp_path):
    """« Et si… ouvrir à Nasbinals » on the page, then « Télécharger le rapport »: the
    report says the scenario and gives its figures before and after."""
    import re
    import subprocess

    page = client.get("/maillage/", {"type": "france-services", "open": NASBINALS})
    link = next(
        a["href"] for t, a in scan(page).tags if t == "a" and "rapport.pdf" in a.get("href", "")
    )
    assert f"open={NASBINALS}" in link
    pdf = tmp_path / "rapport.pdf"
    got = client.get(link)
    assert got.status_code == 200, got.content[:300]
    pdf.write_bytes(got.content)
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True)
    flat = re.sub(r"\s+", " ", out.stdout.decode().replace("\u202f", " "))
    assert "Scénario étudié : Ouvrir un lieu à Nasbinals" in flat
    assert "Le scénario, avant et après" in flat
    plain = client.get("/maillage/rapport.pdf", {"type": "france-services"})
    assert plain.status_code == 200 and plain.content != got.content


def test_opening_at_nasbinals_changes_the_map_and_the_tables(client, demo):
    base = {"type": "france-services"}
    before = scan(client.get("/maillage/", base))
    after_r = client.get("/maillage/", base | {"open": NASBINALS})
    assert after_r.status_code == 200
    after = scan(after_r)

    def data(s):
        return json.loads(next(b for a, b in s.scripts if a.get("id") == "analysis-data"))

    db, da = data(before), data(after)
    assert db["communes"][NASBINALS][0] > 15 and da["communes"][NASBINALS][0] == 0
    assert da["communes"][NASBINALS][1] == "Nouveau lieu à Nasbinals"
    assert len(da["places"]) == len(db["places"]) + 1
    tb, ta = text_of(before), text_of(after)
    # the key figure and the underserved list change too
    assert "84,9\u202f% des habitants" in tb and "86,3\u202f% des habitants" in ta
    under_b = tb[tb.index("Les communes à plus de 10") :]
    under_a = ta[ta.index("Les communes à plus de 10") :]
    assert "Prinsuéjols-Malbouzon" in under_b and "Prinsuéjols-Malbouzon" not in under_a
    assert "avec ce changement" in ta and "Nouveau lieu à Nasbinals" in ta
