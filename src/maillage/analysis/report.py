"""The report for elected officials: a map and tables, as PDF (WeasyPrint) and PNG.

The HTML is a Django template (``analysis/report.html``) with its stylesheet
(``analysis/report.css``, DejaVu fonts, A4); the map is SVG drawn from the
communes' boundaries (:mod:`maillage.analysis.svgmap`), no tile server. PNG
pages come from the PDF through poppler's ``pdftoppm``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from maillage.core.french import at_name
from maillage.core.progress import SILENT, Progress
from maillage.territory.models import Commune

from . import output, params, services, svgmap
from .departements import territory_name
from .services import Analysis, Outcome, Query

UNDERSERVED_ROWS = 15
CATCHMENT_ROWS = 12
#: functions whose catchments the report shows (those offered by the most places first)
CATCHMENT_TABLES = 1
LABELLED_TOWNS = 8


@dataclass
class Report:
    analysis: Analysis
    recommendation: Outcome | None
    html: str


def _fmt(v, kind: str = "int"):
    return {"int": output.fr_int, "pct": output.fr_pct}[kind](v, sep=output.NNBSP)


def _units_nbsp(text: str) -> str:
    return text.replace(" km", output.NNBSP + "km").replace(" min", output.NNBSP + "min")


def what_label(query: Query) -> str:
    """« France Services », « Médiation numérique », « Médiation numérique · France Services »."""
    from maillage.places.models import PlaceType

    types = " · ".join(str(PlaceType(t).label) for t in query.types)
    if query.functions is None:
        return types or "Tous les lieux"
    label = query.function_label[:1].upper() + query.function_label[1:]
    return f"{label} · {types}" if types else label


def map_breaks(a: Analysis) -> list[float]:
    ts = list(a.thresholds)
    if len(ts) < 2:
        ts = sorted(set(ts) | set(a.query.model.default_thresholds))
    return ts


def build_report(
    query: Query,
    *,
    add: int = 3,
    time_limit: float = 20.0,
    progress: Progress = SILENT,
    candidates: params.CandidateSpec | None = None,
    close: Sequence[str] = (),
    open_at: Sequence[str] = (),
) -> Report:
    """Compute everything the report shows and render its HTML (``progress``: the
    coverage's three steps, the recommendation's three when ``add``, then the page).

    ``close`` (place slugs) and ``open_at`` (INSEE codes): the scenario the page shows
    (« Et si… »): the report then shows the territory with it, as the page does, and
    a table of its figures before and after. ``candidates``: where new sites may go."""
    a = services.analyse(query, progress=progress)
    scenario = None
    if close or open_at:
        sc = services.scenario(query, close=list(close), open_at=list(open_at), analysis=a)
        assert sc.after_analysis is not None
        scenario = _scenario_context(sc, a.unit)
        a = sc.after_analysis
    rec = None
    if add > 0 and len(a.territory):
        rec = services.recommend(
            query,
            add,
            threshold=a.target,
            candidates=candidates or params.CandidateSpec(),
            time_limit=time_limit,
            progress=progress,
        )
    progress.step("Mise en page du rapport…")
    unit = a.unit
    nn = output.NNBSP
    summary = a.summary()
    target = a.target
    target_label = output.fr_threshold(target, unit).replace(" ", nn)
    classes = svgmap.colour_classes(map_breaks(a), unit)

    geometries = dict(
        Commune.objects.filter(code__in=[str(c) for c in a.territory.codes])
        .values_list("code", "geometry")
        .iterator()
    )
    names = {str(c): str(n) for c, n in zip(a.territory.codes, a.territory.names, strict=True)}
    biggest = sorted(
        zip(a.territory.codes.tolist(), a.territory.demand.weights.tolist(), strict=True),
        key=lambda cw: -cw[1],
    )[:LABELLED_TOWNS]
    points = [
        svgmap.MapPoint(
            float(a.counted.lonlat[i, 0]),
            float(a.counted.lonlat[i, 1]),
            str(a.counted.names[i]),
            "stop" if a.counted.is_stop[i] else "place",
        )
        for i in range(len(a.counted))
    ]
    if rec is not None:
        points += [
            svgmap.MapPoint(c["longitude"], c["latitude"], c["name"], "new") for c in rec.chosen
        ]
    title = f"Distance au lieu le plus proche — {what_label(query)}"
    svg = svgmap.commune_map(
        geometries,
        a.cost_by_commune(),
        classes,
        names=names,
        labels=[c for c, _w in biggest],
        points=points,
        width=1000,
        max_height=1080,
        title=title,
    )
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    map_wide = bool(m) and float(m.group(1)) > 1.15 * float(m.group(2))
    # population per colour class, for the legend
    population = summary["population"]
    cost, weights = a.result.cost, a.result.weights
    legend = []
    for cl in classes:
        m = np.isfinite(cost)
        if cl.low is not None:
            m &= cost > cl.low
        if cl.high is not None:
            m &= cost <= cl.high
        p = float(weights[m].sum())
        legend.append(
            {
                "colour": cl.colour,
                "label": _units_nbsp(cl.label),
                "population": _fmt(p),
                "share": _fmt(p / population if population else 0, "pct"),
            }
        )
    if not np.isfinite(cost).all():
        p = float(weights[~np.isfinite(cost)].sum())
        legend.append(
            {
                "colour": svgmap.NO_PLACE,
                "label": "aucun lieu",
                "population": _fmt(p),
                "share": _fmt(p / population if population else 0, "pct"),
            }
        )
    shares = [
        {
            "threshold": output.fr_threshold(t["threshold"], unit).replace(" ", nn),
            "population": _fmt(t["population"]),
            "population_share": _fmt(t["population_share"], "pct"),
            "population_pct": round(100 * t["population_share"], 1),
            "communes": _fmt(t["communes"]),
            "commune_share": _fmt(t["commune_share"], "pct"),
        }
        for t in summary["thresholds"]
    ]
    within = next((t for t in summary["thresholds"] if t["threshold"] == target), None)
    under = a.underserved_rows()
    under_rows = [
        {
            "name": r["name"],
            "code": r["code"],
            "population": _fmt(r["population"]),
            "cost": output.fr_cost(r["cost"], unit, nn),
            "nearest": r["nearest"]["name"] if r["nearest"] else "aucun",
        }
        for r in under[:UNDERSERVED_ROWS]
    ]
    catch_tables = []
    tables = a.catchment_tables()
    for t in tables[:CATCHMENT_TABLES]:
        rows = t["rows"]
        vals = sorted(r["population"] for r in rows)
        catch_tables.append(
            {
                "label": t["label"],
                "rows": [
                    {
                        "name": r["name"],
                        "commune": r["commune"]["name"],
                        "population": _fmt(r["population"]),
                        "within": _fmt(r["population_within_target"]),
                        "communes": _fmt(r["communes"]),
                        "shared": r["shared_communes"],
                    }
                    for r in rows[:CATCHMENT_ROWS]
                ],
                "more": max(0, len(rows) - CATCHMENT_ROWS),
                "median": _fmt(vals[len(vals) // 2]),
            }
        )
    rec_ctx = None
    if rec is not None:
        rec_ctx = {
            "k": rec.k,
            "rows": [
                {
                    "rank": c["rank"],
                    "name": c["name"],
                    "code": c["commune"]["code"],
                    "gain": _fmt(c["gain"]),
                }
                for c in rec.chosen
            ],
            "before": _fmt(rec.before),
            "after": _fmt(rec.after),
            "share_before": _fmt(rec.share_before, "pct"),
            "share_after": _fmt(rec.share_after, "pct"),
            "bound": _fmt(rec.upper_bound),
            "gap": output.fr_pct(rec.gap, 2, nn),
            "proven": rec.proven_optimal,
            "method": rec.method,
            "candidates": rec.candidates_label,
        }
    takeaways = []
    if within:
        first = summary["thresholds"][0]
        line = (
            f"{_fmt(within['population_share'], 'pct')} des habitants vivent à moins de "
            f"{target_label} d'un lieu"
        )
        if first["threshold"] != target:
            line += (
                f", {_fmt(first['population_share'], 'pct')} à moins de "
                f"{output.fr_threshold(first['threshold'], unit).replace(' ', nn)}"
            )
        takeaways.append(line + ".")
    if under:
        top = ", ".join(
            f"{r['name']} ({_fmt(r['population'])} hab., {output.fr_cost(r['cost'], unit, nn)})"
            for r in under[:3]
        )
        takeaways.append(f"Les communes les plus peuplées au-delà de {target_label} : {top}.")
    if rec is not None and rec.chosen:
        names_ = [c["name"] for c in rec.chosen]
        sites = ", ".join(names_[:-1]) + (" et " if len(names_) > 1 else "") + names_[-1]
        # The recommendation is computed on the network as it is (as on the page).
        without = "Sans le scénario, " if scenario is not None else ""
        takeaways.append(
            f"{without}{len(names_)} nouveau{'x' if len(names_) > 1 else ''} lieu"
            f"{'x' if len(names_) > 1 else ''} ({sites}) porterai"
            f"{'ent' if len(names_) > 1 else 't'} cette part de "
            f"{_fmt(rec.share_before, 'pct')} à {_fmt(rec.share_after, 'pct')}."
        )
    ctx = {
        "scenario": scenario,
        "takeaways": takeaways,
        "query": query,
        "territory": territory_name(query.departements),
        "what": what_label(query),
        "generated": timezone.localdate(),
        "date": query.on,
        "unit": unit,
        "unit_word": "distance" if unit == "km" else "temps de trajet",
        "travel_label": query.travel_label,
        "target": target_label,
        "summary": summary,
        "population": _fmt(population),
        "communes": _fmt(summary["communes"]),
        "places": _fmt(summary["places"]),
        "within": within
        and {
            "share": _fmt(within["population_share"], "pct"),
            "population": _fmt(within["population"]),
        },
        "underserved_count": _fmt(len(under)),
        "underserved_population": _fmt(sum(r["population"] for r in under)),
        "underserved_share": _fmt(
            sum(r["population"] for r in under) / population if population else 0, "pct"
        ),
        "underserved_more": max(0, len(under) - UNDERSERVED_ROWS),
        "catchment_tables": catch_tables,
        "catchment_tables_more": max(0, len(tables) - CATCHMENT_TABLES),
        # built by svgmap.commune_map, which escapes every name and label it writes
        "map_svg": mark_safe(svg),  # noqa: S308
        "map_wide": map_wide,
        "legend": legend,
        "shares": shares,
        "underserved": under_rows,
        "recommendation": rec_ctx,
        "closed": len(summary["closed"]),
        "without_population": len(summary["communes_without_population"]),
        "without_centroid": len(summary["communes_without_centroid"]),
    }
    html = render_to_string("analysis/report.html", ctx)
    return Report(a, rec, html)


def _scenario_context(sc: services.Scenario, unit: str) -> dict:
    """What the report says of a scenario: what changes, and its figures before and after."""
    nn = output.NNBSP
    changes = [f"fermer {c['name']}" for c in sc.closed] + [
        f"ouvrir un lieu {at_name(c['commune']['name'])}" for c in sc.opened
    ]
    rows = [
        {
            "threshold": output.fr_threshold(r["threshold"], unit).replace(" ", nn),
            "before": _fmt(r["population_before"]),
            "after": _fmt(r["population_after"]),
            "share_before": _fmt(r["share_before"], "pct"),
            "share_after": _fmt(r["share_after"], "pct"),
            "delta": f"{r['population_after'] - r['population_before']:+,.0f}".replace(",", nn),
        }
        for r in sc.rows()
    ]
    what = " et ".join(changes)
    return {
        "what": what[:1].upper() + what[1:],
        "rows": rows,
    }


def stylesheet_path() -> str:
    path = finders.find("analysis/report.css")
    if not path:  # pragma: no cover - packaging error
        raise FileNotFoundError("analysis/report.css")
    return str(path)


def write_pdf(report: Report, path: str | Path) -> Path:
    from weasyprint import CSS, HTML

    path = Path(path)
    HTML(string=report.html, base_url=str(Path(stylesheet_path()).parent)).write_pdf(
        path, stylesheets=[CSS(filename=stylesheet_path())]
    )
    return path


def pdf_to_png(pdf: str | Path, out: str | Path, dpi: int = 110) -> list[Path]:
    """PNG pages of ``pdf``: ``out`` for the first page, ``out-2.png``… for the others."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RuntimeError("pdftoppm (poppler-utils) est introuvable.")
    out = Path(out)
    stem = out.with_suffix("")
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "page"
        subprocess.run(  # noqa: S603 - a fixed program, our own file names
            [exe, "-png", "-r", str(dpi), str(pdf), str(prefix)],
            check=True,
            capture_output=True,
        )
        pages = sorted(Path(tmp).glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        written = []
        for n, page in enumerate(pages, start=1):
            target = out if n == 1 else Path(f"{stem}-{n}.png")
            shutil.move(str(page), target)
            written.append(target)
    return written


__all__ = ["Report", "build_report", "pdf_to_png", "write_pdf"]
