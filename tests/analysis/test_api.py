"""GET /api/coverage/ and /api/recommendations/: figures, bounded work, 400s never 500s,
and the OpenAPI schema."""

from __future__ import annotations

import pytest

from maillage.analysis import serializers as s


def get(client, url, **params):
    return client.get(url, params)


def test_coverage_gives_the_lozere_figures(client, lozere):
    r = get(client, "/api/coverage/", dept="48", type="france-services", threshold_km="10")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    body = r.json()
    assert body["query"]["target"] == 10 and body["query"]["thresholds"] == [5, 10, 20, 30]
    by_t = {t["threshold"]: t for t in body["summary"]["thresholds"]}
    assert by_t[10]["population"] == 64_907 and round(100 * by_t[10]["population_share"], 1) == 84.9
    assert by_t[5]["population"] == 44_705 and by_t[5]["communes"] == 44
    assert len(body["communes"]) == 158
    mende = next(c for c in body["communes"] if c["code"] == "48095")
    assert mende["covered"] and mende["within"]["10"] >= 2 and mende["cost"] < 2
    assert body["underserved"][0]["name"] == "Peyre en Aubrac"
    assert body["underserved"][0]["nearest"]["commune"]["name"] == "Saint-Chély-d'Apcher"
    by_function: dict[str, float] = {}
    for c in body["catchments"]:
        by_function[c["function"]] = by_function.get(c["function"], 0) + c["population"]
    assert len(by_function) == 3
    assert all(abs(v - 76_486) < 1e-6 for v in by_function.values())
    # the keys are those the schema declares
    assert set(body) == set(s.CoverageResponseSerializer().fields)
    assert set(body["summary"]) == set(s.CoverageSummarySerializer().fields)
    assert set(body["communes"][0]) == set(s.CommuneCoverageSerializer().fields)
    assert set(body["catchments"][0]) == set(s.CatchmentSerializer().fields)


def test_coverage_a_target_threshold_and_a_date(client, lozere):
    body = get(
        client, "/api/coverage/", type="france-services", threshold_km="15", date="2026-11-26"
    ).json()
    assert body["query"]["thresholds"] == [5, 10, 15, 20, 30] and body["query"]["target"] == 15
    assert body["summary"]["places"] == 19 and len(body["summary"]["closed"]) == 1
    assert all(u["cost"] > 15 for u in body["underserved"])


def test_coverage_in_minutes(client, lozere):
    body = get(client, "/api/coverage/", travel="rural", threshold_min="15").json()
    assert body["query"]["unit"] == "min" and body["query"]["travel"] == "rural"
    assert body["query"]["thresholds"] == [10, 15, 20, 30]


def test_recommendations(client, lozere):
    r = get(
        client,
        "/api/recommendations/",
        dept="48",
        type="france-services",
        threshold_km="10",
        add="3",
    )
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == "recommend" and body["k"] == 3
    assert body["covered_before"] == 64_907 and body["covered_after"] == 72_978
    assert body["upper_bound"] == 72_978 and body["gap"] == 0 and body["proven_optimal"]
    assert body["method"]
    site = body["chosen"][0]
    assert site["rank"] == 1 and site["gain"] > 0
    assert 44 < site["latitude"] < 45 and 2.9 < site["longitude"] < 4.2
    assert set(body) <= set(s.RecommendationResponseSerializer().fields)
    assert set(site) == set(s.ChosenSiteSerializer().fields)


def test_function_and_family_together_combine_like_any_two_filters(client, lozere):
    def places(**params):
        r = get(client, "/api/coverage/", dept="48", threshold_km="10", **params)
        assert r.status_code == 200, r.content[:300]
        return r.json()

    alone = places(function="digital-mediation")
    within = places(function="digital-mediation", family="public-services")
    assert within["summary"]["places"] == alone["summary"]["places"] > 0
    # a function outside the family: no place is counted, and the figures say so
    outside = places(function="digital-mediation", family="makers")
    assert outside["summary"]["places"] == 0
    assert all(t["population"] == 0 for t in outside["summary"]["thresholds"])
    r = get(client, "/api/recommendations/", function="fablab", family="makers", add="1")
    assert r.status_code == 200, r.content[:300]


def test_recommendations_set_cover_and_from_scratch(client, lozere):
    body = get(client, "/api/recommendations/", type="france-services", target_share="0.95").json()
    assert body["kind"] == "set-cover" and body["lower_bound"] == 3 and body["feasible"]
    body = get(
        client, "/api/recommendations/", type="france-services", add="2", from_scratch="1"
    ).json()
    assert body["covered_before"] == 0 and len(body["chosen"]) == 2


BAD = [
    ("/api/coverage/", {"threshold_km": "-1"}, "threshold_km"),
    ("/api/coverage/", {"threshold_km": "abc"}, "threshold_km"),
    ("/api/coverage/", {"threshold_km": "10km"}, "threshold_km"),
    ("/api/coverage/", {"threshold_km": "1e9"}, "threshold_km"),
    ("/api/coverage/", {"threshold_km": "nan"}, "threshold_km"),
    ("/api/coverage/", {"threshold_min": "20"}, "travel"),
    ("/api/coverage/", {"threshold_km": "10", "threshold_min": "20"}, "threshold_km"),
    ("/api/coverage/", {"travel": "mountain", "threshold_km": "10"}, "threshold_km"),
    ("/api/coverage/", {"travel": "teleportation"}, "travel"),
    ("/api/coverage/", {"date": "2026-13-01"}, "date"),
    ("/api/coverage/", {"date": "9999-01-01"}, "date"),
    ("/api/coverage/", {"function": "boulangerie"}, "function"),
    ("/api/coverage/", {"family": "nope"}, "family"),
    ("/api/coverage/", {"type": "chateau"}, "type"),
    ("/api/coverage/", {"dept": "4800"}, "dept"),
    ("/api/coverage/", {"dept": ",".join(str(d) for d in range(10, 40))}, "dept"),
    ("/api/coverage/", {"function": "x" * 500}, "function"),
    ("/api/recommendations/", {"add": "500"}, "add"),
    ("/api/recommendations/", {"add": "0"}, "add"),
    ("/api/recommendations/", {"add": "deux"}, "add"),
    ("/api/recommendations/", {"time_limit": "3600"}, "time_limit"),
    ("/api/recommendations/", {"candidates": "types:nope"}, "candidates"),
    ("/api/recommendations/", {"candidates": "everywhere"}, "candidates"),
    ("/api/recommendations/", {"from_scratch": "peut-être"}, "from_scratch"),
    ("/api/recommendations/", {"target_share": "2"}, "target_share"),
    ("/api/recommendations/", {"target_share": "0.9", "add": "3"}, "add"),
    ("/api/recommendations/", {"threshold_km": ["10", "20"]}, "threshold_km"),
    ("/api/recommendations/", {"threshold_km": "150"}, "threshold_km"),
    ("/api/recommendations/", {"travel": "rural", "threshold_min": "180"}, "threshold_min"),
]


@pytest.mark.parametrize(("url", "params", "parameter"), BAD)
def test_bad_parameters_are_400_naming_them(client, lozere, url, params, parameter):
    r = client.get(url, params)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["error"] == "bad_parameter" and body["parameter"] == parameter
    assert body["message"] and isinstance(body["message"], str)


def test_a_territory_without_communes_is_empty_not_an_error(client, lozere):
    body = get(client, "/api/coverage/", dept="2A").json()
    assert body["communes"] == [] and body["summary"]["population"] == 0
    body = get(client, "/api/recommendations/", dept="2A").json()
    assert body["chosen"] == []


def test_the_schema_documents_both_endpoints(client, lozere):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json()
    for path, names in {
        "/api/coverage/": {
            "dept",
            "function",
            "family",
            "type",
            "date",
            "travel",
            "threshold_km",
            "threshold_min",
        },
        "/api/recommendations/": {
            "add",
            "candidates",
            "from_scratch",
            "target_share",
            "time_limit",
            "threshold_km",
        },
    }.items():
        op = schema["paths"][path]["get"]
        assert names <= {p["name"] for p in op["parameters"]}
        assert "400" in op["responses"] and "200" in op["responses"]
