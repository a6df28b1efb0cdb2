"""Figures as text: French numbers, plain-text tables, CSV and GeoJSON.

The commands print these; the report and the web page use the number formats.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from maillage.core import csvsafe, french

from .services import Analysis, Outcome, Scenario, threshold_key

NNBSP = "\u202f"  # narrow no-break space: French thousands separator (HTML, PDF)


def fr_int(value: float | int | None, sep: str = " ") -> str:
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", sep)


def fr_num(value: float | None, decimals: int = 1, sep: str = " ") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", sep)


def fr_pct(share: float | None, decimals: int = 1, sep: str = " ") -> str:
    if share is None:
        return "—"
    return fr_num(100 * share, decimals, sep) + (" %" if sep == " " else NNBSP + "%")


def ceil_tenth(value: float) -> float:
    """Rounded up to the tenth, so that a shown distance never looks within a threshold
    it is beyond (5.04 km shows 5,1 km, not 5,0 km)."""
    return math.ceil(round(value * 10, 6)) / 10


def fr_cost(value: float | None, unit: str, sep: str = " ") -> str:
    if value is None:
        return "aucun"
    return f"{fr_num(ceil_tenth(value), 1, sep)} {unit}"


def fr_threshold(t: float, unit: str) -> str:
    return f"{fr_num(t, 0 if float(t).is_integer() else 1)} {unit}"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], right: Sequence[int] = ()) -> str:
    """A plain-text table: columns padded, numbers (columns ``right``) aligned right."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))

    def line(values: Sequence[str]) -> str:
        out = []
        for i, v in enumerate(values):
            out.append(v.rjust(widths[i]) if i in right else v.ljust(widths[i]))
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in cells)])


def _more(n_rest: int, what: str) -> str:
    return f"… et {fr_int(n_rest)} {what} de plus (--limit 0 pour tout afficher)."


# --------------------------------------------------------------------------- coverage


def coverage_header(a: Analysis) -> list[str]:
    q = a.query
    s = a.summary()
    lines = [
        f"Couverture — {q.territory_label} — {q.function_label}"
        + (f" — types : {', '.join(q.types)}" if q.types else ""),
        f"Communes : {fr_int(s['communes'])}, population {fr_int(s['population'])} ; "
        f"lieux qui comptent : {fr_int(s['places'])}"
        + (f" sur {fr_int(s['places_read'])}" if s["places_read"] != s["places"] else "")
        + (f", ouverts le {french.date_label(q.on)}" if q.on else "")
        + ".",
        f"Mesure : {q.travel_label}, depuis le centre de chaque commune ; "
        f"mal desservie au-delà de {fr_threshold(a.target, a.unit)}.",
    ]
    if q.on and s["closed"]:
        lines.append(f"Fermés ce jour-là (ne comptent pas) : {fr_int(len(s['closed']))}.")
    uncertain = [*s["unknown_hours"], *s["invalid_hours"]]
    if uncertain:
        lines.append(
            "Horaires non renseignés, ne comptent pas ce jour-là : "
            + ", ".join(uncertain[:10])
            + (" …" if len(uncertain) > 10 else "")
            + "."
        )
        if s["if_unknown_open"] is not None:
            lines.append(
                f"S'ils étaient ouverts : {fr_int(s['if_unknown_open'])} habitants "
                f"à moins de {fr_threshold(a.target, a.unit)}."
            )
    if s["communes_without_centroid"]:
        lines.append(
            f"Communes sans contour, laissées de côté : {fr_int(len(s['communes_without_centroid']))}."
        )
    if s["communes_without_population"]:
        lines.append(
            f"Communes sans population connue (comptées 0) : "
            f"{fr_int(len(s['communes_without_population']))}."
        )
    return lines


def shares_table(a: Analysis) -> str:
    s = a.summary()
    return table(
        ["Seuil", "Population", "Part", "Communes", "Part"],
        [
            (
                f"≤ {fr_threshold(t['threshold'], a.unit)}",
                fr_int(t["population"]),
                fr_pct(t["population_share"]),
                fr_int(t["communes"]),
                fr_pct(t["commune_share"]),
            )
            for t in s["thresholds"]
        ],
        right=(1, 2, 3, 4),
    )


def coverage_text(a: Analysis, limit: int | None = 200) -> str:
    """Everything of a coverage as readable French text tables."""
    lim = None if not limit else limit
    unit = a.unit
    out = [*coverage_header(a), ""]
    out += ["Part de la population et des communes à portée :", shares_table(a), ""]

    s = a.summary()
    n_under = s["underserved"]
    under = a.underserved_rows(lim)
    out.append(
        f"Communes mal desservies (au-delà de {fr_threshold(a.target, unit)}) : "
        f"{fr_int(n_under)}, {fr_int(s['underserved_population'])} habitants ; "
        "les plus peuplées d'abord :"
    )
    if under:
        shown = under
        out.append(
            table(
                ["Commune", "Code", "Population", "Au plus proche", "Lieu le plus proche"],
                [
                    (
                        r["name"],
                        r["code"],
                        fr_int(r["population"]),
                        fr_cost(r["cost"], unit),
                        r["nearest"]["name"] if r["nearest"] else "aucun",
                    )
                    for r in shown
                ],
                right=(2, 3),
            )
        )
        if n_under > len(shown):
            out.append(_more(n_under - len(shown), "communes"))
    else:
        out.append("(aucune)")
    out.append("")

    out.append(
        "Bassin de chaque lieu, fonction par fonction (les habitants dont c'est le lieu le "
        "plus proche parmi ceux qui la proposent : sa « taille critique » ; une commune à "
        "égale distance de plusieurs lieux est partagée à parts égales) :"
    )
    tables = a.catchment_tables()
    for t in tables:
        catch = t["rows"]
        shown_c = catch[:lim]
        out.append(f"{t['label']} :")
        out.append(
            table(
                ["Lieu", "Commune", "Bassin", f"Dont ≤ {fr_threshold(a.target, unit)}", "Communes"],
                [
                    (
                        r["name"],
                        r["commune"]["name"],
                        fr_int(r["population"]),
                        fr_int(r["population_within_target"]),
                        fr_int(r["communes"])
                        + (
                            f" (dont {r['shared_communes']} partagées)"
                            if r["shared_communes"]
                            else ""
                        ),
                    )
                    for r in shown_c
                ],
                right=(2, 3, 4),
            )
        )
        if len(catch) > len(shown_c):
            out.append(_more(len(catch) - len(shown_c), "lieux"))
        out.append("")
    if not tables:
        out.append("(aucun lieu)")
        out.append("")

    n_rows = len(a.result.demand_ids)
    shown_r = a.commune_rows(lim)
    ts = a.thresholds
    out.append("Commune par commune (lieu le plus proche, distance, nombre de lieux à portée) :")
    out.append(
        table(
            [
                "Code",
                "Commune",
                "Population",
                "Lieu le plus proche",
                "Distance" if unit == "km" else "Temps",
                *(f"≤ {fr_threshold(t, unit)}" for t in ts),
            ],
            [
                (
                    r["code"],
                    r["name"],
                    fr_int(r["population"]),
                    r["nearest_name"] or "aucun",
                    fr_cost(r["cost"], unit),
                    *(fr_int(r["within"].get(threshold_key(t), 0)) for t in ts),
                )
                for r in shown_r
            ],
            right=(2, 4, *range(5, 5 + len(ts))),
        )
    )
    if n_rows > len(shown_r):
        out.append(_more(n_rows - len(shown_r), "communes"))
    return "\n".join(out) + "\n"


def _tkey(t: float, unit: str) -> str:
    return f"{t:g}{unit}"


def coverage_csv(a: Analysis) -> str:
    """One row per commune (UTF-8, comma, header line)."""
    unit = a.unit
    cost_col = "distance_km" if unit == "km" else "time_min"
    ts = a.thresholds
    headers = [
        "code",
        "name",
        "departement",
        "population",
        "nearest_id",
        "nearest_name",
        cost_col,
        *(f"places_within_{_tkey(t, unit)}" for t in ts),
        f"covered_{_tkey(a.target, unit)}",
    ]
    buf = io.StringIO()
    w = csvsafe.writer(buf, lineterminator="\n")
    w.writerow(headers)
    for r in a.commune_rows():
        w.writerow(
            [
                r["code"],
                r["name"],
                r["departement"],
                r["population"],
                r["nearest_id"] or "",
                r["nearest_name"] or "",
                "" if r["cost"] is None else f"{r['cost']:.3f}",
                *(r["within"].get(threshold_key(t), 0) for t in ts),
                "1" if r["covered"] else "0",
            ]
        )
    return buf.getvalue()


def _round_coords(obj, decimals: int = 5):
    if isinstance(obj, list):
        if obj and isinstance(obj[0], int | float):
            return [round(v, decimals) for v in obj]
        return [_round_coords(o, decimals) for o in obj]
    return obj


def coverage_geojson(a: Analysis) -> str:
    """The communes (their boundaries) with the coverage figures as properties."""
    from maillage.territory.models import Commune

    rows = {r["code"]: r for r in a.commune_rows()}
    unit = a.unit
    cost_key = "distance_km" if unit == "km" else "time_min"
    geoms = dict(
        Commune.objects.filter(code__in=list(rows)).values_list("code", "geometry").iterator()
    )
    features = []
    for code, r in rows.items():
        g = geoms.get(code)
        if g:
            g = {"type": g["type"], "coordinates": _round_coords(g.get("coordinates", []))}
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": g,
                "properties": {
                    "code": code,
                    "name": r["name"],
                    "departement": r["departement"],
                    "population": r["population"],
                    "nearest_id": r["nearest_id"],
                    "nearest_name": r["nearest_name"],
                    cost_key: r["cost"],
                    **{f"places_within_{k}{unit}": n for k, n in r["within"].items()},
                    "covered": r["covered"],
                    "target": a.target,
                    "unit": unit,
                },
            }
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )


# --------------------------------------------------------------------------- recommendations


def outcome_text(o: Outcome) -> str:
    q = o.query
    unit = q.unit
    t = fr_threshold(o.threshold, unit)
    title = {
        "recommend": f"Où ouvrir jusqu'à {o.k} nouveaux lieux",
        "set-cover": f"Le moins de nouveaux lieux pour {fr_pct(o.target_share)} de la population",
        "mobile": f"Les arrêts de l'unité mobile « {o.unit_name} »",
    }[o.kind]
    lines = [
        f"{title} — {q.territory_label} — {q.function_label}"
        + (f" — types : {', '.join(q.types)}" if q.types else ""),
        f"À moins de {t} ({q.travel_label}) ; sites possibles : {o.candidates_label}"
        + (" ; en partant de zéro (lieux existants ignorés)." if o.from_scratch else "."),
        "",
    ]
    if o.kind == "mobile" and o.days is not None:
        from .params import WEEKDAY_NAMES

        rows = []
        for d, stops in o.days.items():
            for s in stops or [None]:
                rows.append(
                    (
                        WEEKDAY_NAMES[d],
                        s["name"] if s else "(aucun arrêt utile)",
                        s["commune"]["code"] if s else "",
                        fr_int(s["gain"]) if s else "0",
                    )
                )
        lines.append(table(["Jour", "Arrêt", "Code", "Personnes atteintes"], rows, right=(3,)))
    elif o.chosen:
        lines.append(
            table(
                ["Rang", "Site", "Commune", "Code", "Personnes en plus"],
                [
                    (
                        c["rank"],
                        c["name"],
                        c["commune"]["name"],
                        c["commune"]["code"],
                        fr_int(c["gain"]),
                    )
                    for c in o.chosen
                ],
                right=(0, 4),
            )
        )
    else:
        lines.append("Aucun nouveau site n'est utile.")
    lines.append("")
    lines.append(
        f"Population à moins de {t} : {fr_int(o.before)} ({fr_pct(o.share_before)}) "
        + ("sans aucun lieu" if o.from_scratch else "avec les lieux existants")
        + f" → {fr_int(o.after)} ({fr_pct(o.share_after)}) avec les nouveaux, "
        f"sur {fr_int(o.total)} habitants."
    )
    if o.kind == "set-cover":
        if not o.feasible:
            lines.append(
                "Objectif inatteignable : même tous les sites possibles n'y suffisent pas."
            )
        lines.append(
            f"Nouveaux lieux : {len(o.chosen)} ; il en faut au moins {o.lower_bound} (prouvé)."
        )
    else:
        lines.append(
            f"Borne supérieure prouvée : {fr_int(o.upper_bound)} ; écart d'optimalité : "
            f"{fr_pct(o.gap, 2)}."
        )
    lines.append(
        ("Optimal : prouvé." if o.proven_optimal else "Optimal : non prouvé (voir l'écart).")
        + f" Méthode : {o.method} ; {fr_num(o.seconds, 2)} s."
    )
    if o.time_limit_hit:
        lines.append(
            "Attention : la limite de temps (filet de sécurité) a arrêté la recherche avant "
            "la fin de son budget de travail ; ce résultat peut dépendre de la charge de la "
            "machine (relancez avec une limite plus longue : --time-limit)."
        )
    return "\n".join(lines) + "\n"


def scenario_text(s: Scenario) -> str:
    unit = s.before.unit
    lines = []
    for c in s.closed:
        lines.append(f"Fermé : {c['name']} ({c['commune']['name']})")
    for o in s.opened:
        lines.append(f"Ouvert : un lieu au centre {french.of_name(o['commune']['name'])}")
    lines.append(
        table(
            ["Seuil", "Avant", "Après", "Écart"],
            [
                (
                    f"≤ {fr_threshold(r['threshold'], unit)}",
                    f"{fr_int(r['population_before'])} ({fr_pct(r['share_before'])})",
                    f"{fr_int(r['population_after'])} ({fr_pct(r['share_after'])})",
                    f"{r['population_after'] - r['population_before']:+,.0f}".replace(",", " "),
                )
                for r in s.rows()
            ],
            right=(1, 2, 3),
        )
    )
    return "\n".join(lines) + "\n"


__all__ = [
    "coverage_csv",
    "coverage_geojson",
    "coverage_text",
    "fr_cost",
    "fr_int",
    "fr_num",
    "fr_pct",
    "fr_threshold",
    "outcome_text",
    "scenario_text",
    "table",
]
