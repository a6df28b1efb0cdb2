"""The "Maillage" page: how well the territory is covered, where the gaps are, what a
new place or a closure would change. One GET form: it works without JavaScript
(the tables); the map (communes coloured by distance) needs it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from maillage.places.models import FunctionFamily, PlaceType
from maillage.territory.tiles import archive_url

from . import output, params, services, svgmap
from . import report as report_module
from .api import MAX_RECOMMEND_THRESHOLD
from .departements import territory_name
from .params import ParameterError

nn = output.NNBSP
MAX_PAGE_ADD = 20
PAGE_TIME_LIMIT = 5.0
UNDERSERVED_SHOWN = 30
#: new places the report recommends (as ``maillage report``'s default)
REPORT_ADD = 3
CANDIDATE_CHOICES = [
    ("communes", "Le centre de n'importe quelle commune"),
    (
        "types:hotel,school,town-hall,cafe",
        "Un lieu existant à partager : hôtel, école, mairie, café",
    ),
]
TRAVEL_CHOICES = [
    ("straight", "À vol d'oiseau (km)"),
    ("mountain", "Temps estimé en montagne (min)"),
    ("rural", "Temps estimé en milieu rural (min)"),
    ("periurban", "Temps estimé en périurbain (min)"),
    ("urban", "Temps estimé en ville (min)"),
]


@dataclass
class PageForm:
    """What the page's GET form says, as typed (to fill the form back) and read."""

    data: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.data.get(name, default)


def _fmt_int(v) -> str:
    return output.fr_int(v, nn)


def _fmt_pct(v, d: int = 1) -> str:
    return output.fr_pct(v, d, nn)


def _boundaries_url(departements: list[str]) -> str:
    try:
        url = reverse("api:communes-geojson")
    except NoReverseMatch:  # pragma: no cover - the API is always installed
        return ""
    return url + "?" + urlencode({"dept": ",".join(departements)})


def _read_form(request) -> tuple[PageForm, services.Query | None]:
    names = (
        "dept",
        "function",
        "type",
        "travel",
        "threshold",
        "date",
        "add",
        "candidates",
        "close",
        "open",
    )
    data = {}
    for n in names:
        v = request.GET.get(n, "")
        data[n] = v[:200] if "\x00" not in v else ""
    form = PageForm(data)
    travel = data["travel"] or "straight"
    unit = "km" if travel == "straight" else "min"
    try:
        deps = params.departements([data["dept"]] if data["dept"] else None)
        if len(deps) > 20:
            raise ParameterError("dept", "au plus 20 départements à la fois.")
        if travel not in params.TRAVEL_CHOICES:
            raise ParameterError("travel", "mode de trajet inconnu.")
        threshold = data["threshold"] or ("10" if unit == "km" else "20")
        query = services.make_query(
            departements=deps or list(settings.MAILLAGE_DEPARTEMENTS),
            function=data["function"] or None,
            types=[data["type"]] if data["type"] else None,
            thresholds=[*((5, 10, 20, 30) if unit == "km" else (10, 20, 30)), threshold],
            unit=unit,
            target=threshold,
            on=data["date"] or None,
            travel=travel,
        )
    except ParameterError as exc:
        key = {"threshold_km": "threshold", "target": "threshold"}.get(exc.parameter, exc.parameter)
        form.errors[key] = exc.message
        return form, None
    return form, query


def _summary_context(a: services.Analysis) -> dict:
    unit = a.unit
    s = a.summary()
    within = next(t for t in s["thresholds"] if t["threshold"] == a.target)
    return {
        "target": output.fr_threshold(a.target, unit).replace(" ", nn),
        "share": _fmt_pct(within["population_share"]),
        "within_population": _fmt_int(within["population"]),
        "population": _fmt_int(s["population"]),
        "communes": _fmt_int(s["communes"]),
        "places": _fmt_int(s["places"]),
        "places_read": _fmt_int(s["places_read"]),
        "closed": len(s["closed"]),
        "unknown_hours": len(s["unknown_hours"]) + len(s["invalid_hours"]),
        "if_unknown_open": None if s["if_unknown_open"] is None else _fmt_int(s["if_unknown_open"]),
        "if_unknown_open_share": None
        if s["if_unknown_open"] is None or not s["population"]
        else _fmt_pct(s["if_unknown_open"] / s["population"]),
        "underserved": _fmt_int(s["underserved"]),
        "underserved_population": _fmt_int(s["underserved_population"]),
        "rows": [
            {
                "threshold": output.fr_threshold(t["threshold"], unit).replace(" ", nn),
                "is_target": t["threshold"] == a.target,
                "population": _fmt_int(t["population"]),
                "population_share": _fmt_pct(t["population_share"]),
                "communes": _fmt_int(t["communes"]),
                "commune_share": _fmt_pct(t["commune_share"]),
            }
            for t in s["thresholds"]
        ],
    }


def _map_data(a: services.Analysis, classes, new_sites: list[dict]) -> dict:
    rows = a.commune_rows()
    return {
        "unit": a.unit,
        "communes": {
            r["code"]: [r["cost"], r["nearest_name"] or "", r["population"]] for r in rows
        },
        "classes": [c.as_dict() for c in classes],
        "no_place": svgmap.NO_PLACE,
        "places": [
            {
                "name": str(a.counted.names[i]),
                "lat": float(a.counted.lonlat[i, 1]),
                "lon": float(a.counted.lonlat[i, 0]),
                "stop": bool(a.counted.is_stop[i]),
            }
            for i in range(len(a.counted))
        ],
        "new": [
            {"name": c["name"], "lat": c["latitude"], "lon": c["longitude"], "gain": c["gain"]}
            for c in new_sites
        ],
    }


def _catchment_context(a: services.Analysis) -> list[dict]:
    """The catchments function by function, as the page shows them."""
    tables = []
    for t in a.catchment_tables():
        tables.append(
            {
                "function": t["function"],
                "label": t["label"],
                "rows": [
                    {
                        "name": r["name"],
                        "commune": r["commune"]["name"],
                        "population": _fmt_int(r["population"]),
                        "within": _fmt_int(r["population_within_target"]),
                        "communes": r["communes"],
                        "shared": r["shared_communes"],
                    }
                    for r in t["rows"]
                ],
            }
        )
    return tables


def _scenario_context(sc: services.Scenario, unit: str) -> dict:
    d = sc.as_dict()
    return {
        "closed": sc.closed,
        "opened": sc.opened,
        "rows": [
            {
                "threshold": output.fr_threshold(r["threshold"], unit).replace(" ", nn),
                "before": _fmt_int(r["population_before"]),
                "after": _fmt_int(r["population_after"]),
                "share_before": _fmt_pct(r["share_before"]),
                "share_after": _fmt_pct(r["share_after"]),
                "delta": f"{r['population_after'] - r['population_before']:+,.0f}".replace(",", nn),
                "communes_before": r["communes_before"],
                "communes_after": r["communes_after"],
            }
            for r in sc.rows()
        ],
        "underserved_before": d["underserved_before"],
        "underserved_after": d["underserved_after"],
        "changed": [
            {
                "name": c["name"],
                "population": _fmt_int(c["population"]),
                "before": output.fr_cost(c["cost_before"], unit, nn),
                "after": output.fr_cost(c["cost_after"], unit, nn),
            }
            for c in sc.changed_communes(limit=15)
        ],
    }


#: the page's parameters that the report takes too
REPORT_PARAMETERS = (
    *("dept", "function", "type", "travel", "threshold", "date"),
    # the page's scenario and recommendation: the report shows what the page shows
    *("close", "open", "add", "candidates"),
)


def report_query_string(form: PageForm) -> str:
    return urlencode({k: form.get(k) for k in REPORT_PARAMETERS if form.get(k)})


def page(request):
    form, query = _read_form(request)
    families = list(FunctionFamily.objects.prefetch_related("functions"))
    context: dict = {
        "form": form,
        "families": families,
        "types": [(v, lbl) for v, lbl in PlaceType.choices if v != PlaceType.VIRTUAL],
        "travel_choices": TRAVEL_CHOICES,
        "candidate_choices": CANDIDATE_CHOICES,
        "max_add": MAX_PAGE_ADD,
    }
    status = 200
    if query is None:
        return render(request, "analysis/page.html", context, status=400)
    a = services.analyse(query)
    unit = a.unit
    # the scenario first: when there is one, the map and the tables show it
    shown = a
    close = form.get("close")
    open_at = form.get("open")
    if close or open_at:
        try:
            sc = services.scenario(
                query,
                close=[close] if close else [],
                open_at=[open_at] if open_at else [],
                analysis=a,
            )
        except ParameterError as exc:
            form.errors[exc.parameter] = exc.message
            status = 400
        else:
            context["scenario"] = _scenario_context(sc, unit)
            assert sc.after_analysis is not None
            shown = sc.after_analysis
    context.update(
        query=query,
        territory=territory_name(query.departements),
        unit=unit,
        unit_word="distance" if unit == "km" else "temps",
        summary=_summary_context(shown),
        boundaries_url=_boundaries_url(query.departements or []),
        territory_tiles=archive_url("territoire"),
        report_query=report_query_string(form),
        single_function=bool(query.functions) and len(query.functions) == 1,
    )
    under = shown.underserved_rows()
    context["underserved"] = [
        {
            "code": r["code"],
            "name": r["name"],
            "population": _fmt_int(r["population"]),
            "cost": output.fr_cost(r["cost"], unit, nn),
            "nearest": r["nearest"]["name"] if r["nearest"] else "",
        }
        for r in under[:UNDERSERVED_SHOWN]
    ]
    context["underserved_more"] = max(0, len(under) - UNDERSERVED_SHOWN)
    context["catchment_tables"] = _catchment_context(shown)
    # choices for the scenario: places that count, communes of the territory
    seen = set()
    close_choices = []
    for i in range(len(a.counted)):
        slug = str(a.counted.slugs[i])
        if slug in seen:
            continue
        seen.add(slug)
        label = str(a.counted.place_names[i])
        if not a.counted.is_stop[i] and a.counted.commune_names[i]:
            label += f" ({a.counted.commune_names[i]})"
        close_choices.append((slug, label))
    context["close_choices"] = sorted(close_choices, key=lambda c: c[1].lower())
    context["open_choices"] = sorted(
        zip(a.territory.codes.tolist(), a.territory.names.tolist(), strict=True),
        key=lambda c: c[1].lower(),
    )

    new_sites: list[dict] = []
    # recommendation
    if form.get("add"):
        try:
            k = params.integer(form.get("add"), "add", 1, MAX_PAGE_ADD)
            top = MAX_RECOMMEND_THRESHOLD[unit]
            if a.target > top:
                raise ParameterError(
                    "threshold", f"au plus {top:g} {unit} pour une recommandation."
                )
            spec = params.candidates(form.get("candidates") or "communes")
            rec = services.recommend(
                query, k, threshold=a.target, candidates=spec, time_limit=PAGE_TIME_LIMIT
            )
        except ParameterError as exc:
            form.errors[exc.parameter] = exc.message
            status = 400
        else:
            new_sites = rec.chosen
            context["recommendation"] = {
                "k": k,
                "rows": [
                    {
                        "rank": c["rank"],
                        "name": c["name"],
                        "commune": c["commune"]["name"],
                        "gain": _fmt_int(c["gain"]),
                    }
                    for c in rec.chosen
                ],
                "before": _fmt_int(rec.before),
                "after": _fmt_int(rec.after),
                "share_before": _fmt_pct(rec.share_before),
                "share_after": _fmt_pct(rec.share_after),
                "bound": _fmt_int(rec.upper_bound),
                "gap": _fmt_pct(rec.gap, 2),
                "proven": rec.proven_optimal,
                "candidates": rec.candidates_label,
            }
    classes = svgmap.colour_classes(
        sorted(set(a.thresholds)) if len(a.thresholds) > 1 else a.query.model.default_thresholds,
        unit,
    )
    context["legend"] = [
        {"css": f"cls-{len(classes)}-{i}", "label": c.label} for i, c in enumerate(classes)
    ]
    context["map_data"] = _map_data(shown, classes, new_sites)
    return render(request, "analysis/page.html", context, status=status)


def report(request, fmt: str):
    """The report of the page's current analysis, as PDF or PNG (its first page).

    The same parameters as the page (bounded the same way); a bad one is a 400 that
    names it, in French."""
    form, query = _read_form(request)
    extra = sorted(set(request.GET) - set(REPORT_PARAMETERS))
    if query is None or extra:
        if extra:
            form.errors["report"] = f"paramètre inconnu pour le rapport : « {extra[0][:40]} »."
        text = "Le rapport ne peut pas être fait : " + " ".join(form.errors.values())
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    try:
        add = params.integer(form.get("add"), "add", 1, MAX_PAGE_ADD, REPORT_ADD)
        spec = params.candidates(form.get("candidates") or "communes")
        rep = report_module.build_report(
            query,
            add=add,
            candidates=spec,
            close=[form.get("close")] if form.get("close") else [],
            open_at=[form.get("open")] if form.get("open") else [],
            time_limit=PAGE_TIME_LIMIT,
        )
    except ParameterError as exc:
        text = f"Le rapport ne peut pas être fait : {exc.parameter} : {exc.message}"
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = report_module.write_pdf(rep, Path(tmp) / "rapport.pdf")
        if fmt == "png":
            body = report_module.pdf_to_png(pdf, Path(tmp) / "rapport.png")[0].read_bytes()
            content_type = "image/png"
        else:
            body = pdf.read_bytes()
            content_type = "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    name = f"maillage-{'-'.join(query.departements or ['france'])}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
