"""The analyses people run: coverage, recommendations, scenarios, a mobile unit's stops.

Each function takes a :class:`Query` (the territory, the places that count, how
travel is measured, the thresholds), reads the database through
:mod:`maillage.analysis.adapter`, calls :mod:`maillage.mesh`, and returns plain
rows that the commands, the API, the web page and the report all show.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from maillage import mesh
from maillage.core.french import at_name
from maillage.core.progress import SILENT, Progress
from maillage.mesh import CoverageResult, TravelModel

from . import adapter
from .adapter import PlaceSet, Territory
from .params import (
    FUNCTION_LABELS,
    TRAVEL_LABELS,
    WEEKDAY_NAMES,
    CandidateSpec,
    ParameterError,
)

#: how much work a request may ask for (API and web page)
MAX_ADD = 50
MAX_TIME_LIMIT = 10.0
#: the safety net of a command's search, in seconds: the search itself is limited in
#: work (mesh.Budget), so that the same question gets the same answer on any machine
COMMAND_TIME_LIMIT = 600.0


@dataclass
class Query:
    """What to analyse."""

    #: département codes; None: every commune in the database
    departements: list[str] | None
    #: function slugs (any of them); None: every place
    functions: tuple[str, ...] | None = None
    function_label: str = "tous les lieux"
    #: place types (any of them); empty: every type
    types: tuple[str, ...] = ()
    #: the day places must be open (None: every place counts)
    on: dt.date | None = None
    model: TravelModel = field(default_factory=mesh.StraightLine)
    travel: str = "straight"
    #: thresholds (km or minutes); empty: the model's defaults (5/10/20/30 km, 10/20/30 min)
    thresholds: tuple[float, ...] = ()
    #: beyond it a commune is underserved; None: 10 km / 20 min if listed, else the first
    target: float | None = None

    @property
    def unit(self) -> str:
        return self.model.unit

    @property
    def all_thresholds(self) -> tuple[float, ...]:
        ts = self.thresholds or self.model.default_thresholds
        return tuple(sorted(set(float(t) for t in ts)))

    @property
    def target_threshold(self) -> float:
        if self.target is not None:
            return float(self.target)
        ts = self.all_thresholds
        d = self.model.default_target
        return d if (d in ts or not self.thresholds) else ts[0]

    @property
    def territory_label(self) -> str:
        if self.departements is None:
            return "toute la France"
        if len(self.departements) == 1:
            return f"département {self.departements[0]}"
        return "départements " + ", ".join(self.departements)

    @property
    def travel_label(self) -> str:
        return TRAVEL_LABELS.get(self.travel, self.travel)

    def describe(self) -> dict[str, Any]:
        return {
            "departements": self.departements,
            "functions": list(self.functions) if self.functions is not None else None,
            "function_label": self.function_label,
            "types": list(self.types),
            "date": self.on.isoformat() if self.on else None,
            "travel": self.travel,
            "unit": self.unit,
            "thresholds": list(self.all_thresholds),
            "target": self.target_threshold,
        }


def make_query(
    *,
    departements: list[str] | None,
    function: str | None = None,
    family: str | None = None,
    types: Sequence[str] | None = None,
    thresholds: Sequence[str | float] | None = None,
    unit: str | None = None,
    target: str | float | None = None,
    on: str | None = None,
    travel: str | None = None,
    od_matrix: str | None = None,
    threshold_parameter: str = "threshold",
) -> Query:
    """A :class:`Query` from what a person typed (raises :class:`ParameterError`)."""
    from . import params

    functions, label = params.functions_of(function, family)
    ts, unit = params.thresholds(thresholds, threshold_parameter, unit)
    tgt = None
    if target is not None and str(target).strip():
        tgt, tunit = params.threshold(target, "target", unit)
        unit = unit or tunit
    if travel is None and not od_matrix and unit == "min":
        raise ParameterError(
            threshold_parameter,
            "un seuil en minutes demande un temps de trajet : indiquez travel "
            "(mountain, rural, periurban, urban) ou une matrice origine-destination.",
        )
    model, name = params.travel_model(travel, od_matrix, unit)
    return Query(
        departements=departements,
        functions=functions,
        function_label=label,
        types=params.place_types(types),
        on=params.date(on),
        model=model,
        travel=name,
        thresholds=ts,
        target=tgt,
    )


def threshold_key(t: float) -> str:
    """A threshold as a JSON key: ``"5"``, ``"7.5"``."""
    return f"{float(t):g}"


def fmt_threshold(t: float, unit: str) -> str:
    return f"{t:g} {unit}"


# --------------------------------------------------------------------------- coverage


@dataclass(eq=False)
class Analysis:
    """A coverage of a territory, with its inputs (see :func:`analyse`)."""

    query: Query
    territory: Territory
    #: every place read (closed ones included), and those that count
    places: PlaceSet
    counted: PlaceSet
    result: CoverageResult
    seconds: dict[str, float] = field(default_factory=dict)
    #: on a date with places of unknown hours: the population within the target if
    #: they were open too (the figures count only places known to be open)
    if_unknown_open: float | None = None

    @property
    def unit(self) -> str:
        return self.result.unit

    @property
    def thresholds(self) -> tuple[float, ...]:
        return self.result.thresholds

    @property
    def target(self) -> float:
        return self.result.target

    @cached_property
    def covered(self) -> np.ndarray:
        return self.result.cost <= self.target

    @cached_property
    def _index(self) -> dict[str, int]:
        return {str(v): i for i, v in enumerate(self.counted.ids)}

    def nearest_info(self, i: int) -> dict | None:
        j = int(self.result.nearest[i])
        return None if j < 0 else self.counted.info(j)

    def summary(self) -> dict[str, Any]:
        """The headline figures (computed once: treat as read-only)."""
        return self._summary

    @cached_property
    def _summary(self) -> dict[str, Any]:
        r = self.result
        return {
            "population": r.total_weight,
            "communes": len(r.demand_ids),
            "places": int(len(self.counted)),
            "places_read": int(len(self.places)),
            "closed": dict(self.places.closed),
            "unknown_hours": list(self.places.unknown_hours),
            "invalid_hours": list(self.places.invalid_hours),
            "if_unknown_open": self.if_unknown_open,
            "communes_without_population": list(self.territory.without_population),
            "communes_without_centroid": [c for c, _n, _p in self.territory.without_centroid],
            "unit": r.unit,
            "target": r.target,
            "thresholds": [
                {
                    "threshold": t,
                    "population": r.covered_weight[t],
                    "population_share": r.weight_share[t],
                    "communes": r.covered_points[t],
                    "commune_share": r.point_share[t],
                }
                for t in r.thresholds
            ],
            "underserved": int(np.count_nonzero(~self.covered)),
            "underserved_population": float(r.weights[~self.covered].sum()),
        }

    def commune_rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """One row per commune (code order; the first ``limit`` only if given): nearest
        place, cost, places within each threshold, covered (within the target)."""
        r = self.result
        n = len(r.demand_ids) if limit is None else min(limit, len(r.demand_ids))
        near = r.nearest
        ids = self.counted.ids
        names = self.counted.names
        deps = self.territory.commune_departements
        counts = r.counts or {}
        count_lists = {threshold_key(t): counts[t][:n].tolist() for t in counts}
        cost = r.cost[:n].tolist()
        w = r.weights[:n].tolist()
        cov = self.covered[:n].tolist()
        codes = r.demand_ids[:n].tolist()
        cnames = (r.demand_names if r.demand_names is not None else r.demand_ids)[:n].tolist()
        deps = deps[:n].tolist()
        near = near[:n].tolist()
        ids = ids.tolist()
        names = names.tolist()
        rows = []
        for i, code in enumerate(codes):
            j = near[i]
            c = cost[i]
            rows.append(
                {
                    "code": code,
                    "name": cnames[i],
                    "departement": deps[i],
                    "population": int(w[i]),
                    "nearest_id": ids[j] if j >= 0 else None,
                    "nearest_name": names[j] if j >= 0 else None,
                    "cost": None if not math.isfinite(c) else round(c, 3),
                    "within": {t: count_lists[t][i] for t in count_lists},
                    "covered": cov[i],
                }
            )
        return rows

    def underserved_rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The communes beyond the target, largest population first."""
        r = self.result
        out = []
        for i in r.underserved()[:limit]:
            c = float(r.cost[i])
            out.append(
                {
                    "code": str(r.demand_ids[i]),
                    "name": str(r.demand_names[i]) if r.demand_names is not None else "",
                    "population": int(r.weights[i]),
                    "cost": None if not math.isfinite(c) else round(c, 2),
                    "nearest": self.nearest_info(int(i)),
                }
            )
        return out

    @property
    def catchment_functions(self) -> tuple[str, ...]:
        """The functions whose catchments are measured: the ones analysed, else every
        function a counted place offers (a place's catchment is always for a function)."""
        if self.query.functions is not None:
            return tuple(self.query.functions)
        fs = self.counted.facilities.functions or ()
        return tuple(sorted(set().union(*fs))) if fs else ()

    @cached_property
    def function_catchments(self) -> mesh.FunctionCatchments:
        """Per counted place and per function it offers, the people for whom it is the
        nearest counted place offering that function (ties shared equally: one rule,
        :func:`maillage.mesh.shares_of_nearest`)."""
        return mesh.catchments_by_function(
            self.territory.demand,
            self.counted.facilities,
            self.query.model,
            self.catchment_functions,
            target=self.target,
        )

    def catchment_rows(self, function: str | None = None) -> list[dict[str, Any]]:
        """Per place offering ``function`` (default: every function measured, one row per
        place and function): the people for whom it is the nearest counted place offering
        that function (its "critical size"), all of them and within the target, and how
        many communes it serves (``shared_communes``: shared with a place at the same
        distance, their people split equally). Largest first within a function."""
        fc = self.function_catchments
        rows = []
        for k, f in enumerate(fc.functions):
            if function is not None and f != function:
                continue
            col = fc.population[:, k]
            offer = np.flatnonzero(~np.isnan(col))
            for j in offer[np.argsort(-col[offer], kind="stable")]:
                rows.append(
                    {
                        **self.counted.info(int(j)),
                        "function": f,
                        "function_label": FUNCTION_LABELS.get(f, f),
                        "population": float(col[j]),
                        "population_within_target": float(fc.within_target[j, k]),
                        "communes": int(fc.points[j, k]),
                        "shared_communes": int(fc.shared_points[j, k]),
                    }
                )
        return rows

    def catchment_tables(self) -> list[dict[str, Any]]:
        """The catchments function by function: ``function``, ``label``, ``rows``
        (:meth:`catchment_rows`), functions with places only; the functions analysed in
        their order, else those offered by the most places first."""
        out = []
        for f in self.function_catchments.functions:
            rows = self.catchment_rows(f)
            if rows:
                out.append({"function": f, "label": FUNCTION_LABELS.get(f, f), "rows": rows})
        if self.query.functions is None:
            out.sort(key=lambda t: (-len(t["rows"]), t["label"]))
        return out

    def cost_by_commune(self) -> dict[str, float | None]:
        return {
            str(c): (None if not math.isfinite(v) else round(float(v), 2))
            for c, v in zip(self.result.demand_ids, self.result.cost, strict=True)
        }


def analyse(
    query: Query,
    *,
    counts: bool = True,
    territory: Territory | None = None,
    progress: Progress = SILENT,
) -> Analysis:
    """The coverage of the query's territory by the places that count (``progress``:
    three steps, communes, places and coverage)."""
    import time

    t0 = time.perf_counter()
    progress.step("Lecture des communes…")
    terr = territory or adapter.load_territory(query.departements)
    t1 = time.perf_counter()
    progress.detail(f"{_fr_int(len(terr))} communes")
    progress.step("Lecture des lieux…")
    places = adapter.load_places(
        query.departements, functions=query.functions, types=query.types, on=query.on
    )
    t2 = time.perf_counter()
    progress.detail(f"{_fr_int(len(places))} lieux")
    progress.step("Calcul de la couverture…")
    counted = places.open_now()
    result = mesh.coverage(
        terr.demand,
        counted.facilities,
        query.model,
        query.all_thresholds,
        target=query.target_threshold,
        counts=counts,
    )
    if_unknown_open = None
    uncertain = [*places.unknown_hours, *places.invalid_hours]
    if query.on is not None and uncertain:
        # unknown is not guessed open: state what the figure would be if it were
        maybe = places.take(places.facilities.open_mask(query.on) | np.isin(places.ids, uncertain))
        target = query.target_threshold
        if_unknown_open = float(
            mesh.coverage(
                terr.demand, maybe.facilities, query.model, (target,), target=target, counts=False
            ).covered_weight[target]
        )
    t3 = time.perf_counter()
    return Analysis(
        query,
        terr,
        places,
        counted,
        result,
        {"communes": t1 - t0, "places": t2 - t1, "coverage": t3 - t2},
        if_unknown_open,
    )


# --------------------------------------------------------------------------- recommendations


@dataclass(eq=False)
class Outcome:
    """A recommendation, a set cover or a mobile plan, as rows."""

    kind: str  # "recommend", "set-cover", "mobile"
    query: Query
    threshold: float
    candidates_label: str
    from_scratch: bool
    #: chosen sites, in order: info + gain (people newly reached)
    chosen: list[dict[str, Any]]
    #: population within the threshold before (existing places) and after
    before: float
    after: float
    total: float
    upper_bound: float | None
    gap: float | None
    proven_optimal: bool
    method: str
    seconds: float
    #: the safety net (seconds) stopped the search: the answer may depend on the machine
    time_limit_hit: bool = False
    k: int | None = None
    target_share: float | None = None
    lower_bound: int | None = None
    feasible: bool = True
    #: mobile plan: weekday -> chosen rows
    days: dict[int, list[dict[str, Any]]] | None = None
    unit_name: str = ""

    @property
    def share_before(self) -> float:
        return self.before / self.total if self.total else 0.0

    @property
    def share_after(self) -> float:
        return self.after / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = {
            "kind": self.kind,
            "query": self.query.describe(),
            "threshold": self.threshold,
            "unit": self.query.unit,
            "candidates": self.candidates_label,
            "from_scratch": self.from_scratch,
            "chosen": self.chosen,
            "population": self.total,
            "covered_before": self.before,
            "covered_after": self.after,
            "share_before": self.share_before,
            "share_after": self.share_after,
            "upper_bound": self.upper_bound,
            "gap": self.gap,
            "proven_optimal": self.proven_optimal,
            "method": self.method,
            "seconds": round(self.seconds, 3),
            "time_limit_hit": self.time_limit_hit,
        }
        if self.kind == "set-cover":
            out.update(
                target_share=self.target_share, lower_bound=self.lower_bound, feasible=self.feasible
            )
        else:
            out["k"] = self.k
        if self.days is not None:
            out["unit_name"] = self.unit_name
            out["days"] = [
                {"weekday": d, "day": WEEKDAY_NAMES[d], "stops": rows}
                for d, rows in self.days.items()
            ]
        return out


def _candidate_set(
    query: Query, terr: Territory, spec: CandidateSpec, existing: PlaceSet
) -> PlaceSet:
    if spec.communes:
        return adapter.commune_candidates(terr)
    return adapter.type_candidates(query.departements, spec.types, exclude=existing.ids)


def _chosen_rows(cands: PlaceSet, chosen: np.ndarray, gains: np.ndarray) -> list[dict]:
    rows = []
    for rank, (j, g) in enumerate(zip(chosen.tolist(), gains.tolist(), strict=False), start=1):
        info = cands.info(int(j))
        info["rank"] = rank
        info["gain"] = float(g)
        rows.append(info)
    return rows


def _check_threshold(query: Query, threshold: float | None) -> float:
    return float(threshold if threshold is not None else query.target_threshold)


SOLVER_STAGES = {
    "reduction": "réduction du problème",
    "greedy": "glouton",
    "swap": "échanges",
    "lagrangian": "borne lagrangienne",
    "branch-and-bound": "séparation et évaluation",
    "milp": "programme linéaire en nombres entiers",
    "done": "terminé",
}


def _fr_int(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def solver_progress(progress: Progress):
    """A ``mesh`` ``on_progress`` callback writing the solver's stage, share of its work
    budget, best value, bound and gap as ``progress`` details (None when silent)."""
    if not progress.enabled:
        return None

    def on_progress(p: mesh.SolverProgress) -> None:
        stage = SOLVER_STAGES.get(p.stage, p.stage)
        share = "" if p.stage == "done" else f"{100 * p.done:.0f} % du budget, "
        text = f"{stage} : {share}{_fr_int(p.value)} personnes"
        if math.isfinite(p.bound):
            gap = f"{100 * p.gap:.2f}".replace(".", ",")
            text += f", borne {_fr_int(p.bound)}, écart {gap} %"
        progress.detail(text, force=p.stage in ("done", "greedy", "reduction"))

    return on_progress


def _load_for_recommendation(query: Query, progress: Progress) -> tuple[Territory, PlaceSet]:
    progress.step("Lecture des communes…")
    terr = adapter.load_territory(query.departements)
    progress.detail(f"{_fr_int(len(terr))} communes")
    progress.step("Lecture des lieux…")
    existing = adapter.load_places(
        query.departements, functions=query.functions, types=query.types, on=query.on
    ).open_now()
    progress.detail(f"{_fr_int(len(existing))} lieux comptés")
    return terr, existing


def recommend(
    query: Query,
    k: int,
    *,
    threshold: float | None = None,
    candidates: CandidateSpec = CandidateSpec(),  # noqa: B008 - frozen dataclass
    from_scratch: bool = False,
    time_limit: float = 30.0,
    budget: mesh.Budget | None = None,
    progress: Progress = SILENT,
) -> Outcome:
    """Where to open up to ``k`` new places so that the most people are within
    ``threshold`` of one (existing places kept unless ``from_scratch``). The search is
    limited by ``budget`` (work); ``time_limit`` is its safety net (seconds).
    ``progress``: three steps (communes, places, search with its bound and gap)."""
    t = _check_threshold(query, threshold)
    terr, existing = _load_for_recommendation(query, progress)
    cands = _candidate_set(query, terr, candidates, existing)
    progress.step("Recherche des sites…")
    rec = mesh.recommend(
        terr.demand,
        None if from_scratch else existing.facilities,
        cands.facilities,
        query.model,
        t,
        k,
        budget=budget,
        time_limit=time_limit,
        on_progress=solver_progress(progress),
    )
    return Outcome(
        kind="recommend",
        query=query,
        threshold=t,
        candidates_label=candidates.label,
        from_scratch=from_scratch,
        chosen=_chosen_rows(cands, rec.chosen, rec.gains),
        before=rec.base_weight,
        after=rec.covered_weight,
        total=rec.total_weight,
        upper_bound=rec.upper_bound,
        gap=rec.gap,
        proven_optimal=rec.proven_optimal,
        method=rec.method,
        seconds=rec.seconds,
        time_limit_hit=rec.time_limit_hit,
        k=k,
    )


def set_cover(
    query: Query,
    target_share: float,
    *,
    threshold: float | None = None,
    candidates: CandidateSpec = CandidateSpec(),  # noqa: B008
    from_scratch: bool = False,
    time_limit: float = 30.0,
    budget: mesh.Budget | None = None,
    progress: Progress = SILENT,
) -> Outcome:
    """The fewest new places so that ``target_share`` of the population is within
    ``threshold`` of a place (``budget``, ``time_limit``, ``progress``: as
    :func:`recommend`)."""
    t = _check_threshold(query, threshold)
    terr, existing = _load_for_recommendation(query, progress)
    cands = _candidate_set(query, terr, candidates, existing)
    progress.step("Recherche du plus petit nombre de sites…")
    res = mesh.set_cover(
        terr.demand,
        None if from_scratch else existing.facilities,
        cands.facilities,
        query.model,
        t,
        target_share,
        budget=budget,
        time_limit=time_limit,
        on_progress=solver_progress(progress),
    )
    return Outcome(
        kind="set-cover",
        query=query,
        threshold=t,
        candidates_label=candidates.label,
        from_scratch=from_scratch,
        chosen=_chosen_rows(cands, res.chosen, res.gains),
        before=res.base_weight,
        after=res.covered_weight,
        total=res.total_weight,
        upper_bound=None,
        gap=None,
        proven_optimal=res.proven_optimal,
        method=res.method,
        seconds=res.seconds,
        time_limit_hit=res.time_limit_hit,
        target_share=target_share,
        lower_bound=res.lower_bound,
        feasible=res.feasible,
    )


def mobile_plan(
    query: Query,
    unit_slug: str,
    weekdays: Sequence[int],
    *,
    threshold: float | None = None,
    stops_per_day: int = 1,
    candidates: CandidateSpec = CandidateSpec(),  # noqa: B008
    time_limit: float = 30.0,
    budget: mesh.Budget | None = None,
    progress: Progress = SILENT,
) -> Outcome:
    """Where the mobile unit ``unit_slug`` should stop, day by day, to reach the most
    people not yet within ``threshold`` of a fixed place (its current stops left out)
    (``budget``, ``time_limit``, ``progress``: as :func:`recommend`)."""
    from maillage.places.models import Place

    unit = Place.objects.published().filter(slug=unit_slug).first()
    if unit is None or not unit.is_mobile:
        raise ParameterError("mobile", f"« {unit_slug[:60]} » n'est pas une unité mobile publiée.")
    t = _check_threshold(query, threshold)
    terr, existing = _load_for_recommendation(query, progress)
    existing = existing.take(existing.slugs != unit_slug)
    cands = _candidate_set(query, terr, candidates, existing)
    progress.step("Recherche des arrêts…")
    unit_functions = list(unit.place_functions.values_list("function__slug", flat=True))
    plan = mesh.mobile_stops(
        terr.demand,
        existing.facilities,
        cands.facilities,
        query.model,
        t,
        weekdays=list(weekdays),
        stops_per_day=stops_per_day,
        unit=unit_slug,
        functions=unit_functions,
        budget=budget,
        time_limit=time_limit,
        on_progress=solver_progress(progress),
    )
    rec = plan.recommendation
    gain_of = dict(zip(rec.chosen.tolist(), rec.gains.tolist(), strict=False))
    days: dict[int, list[dict]] = {}
    chosen: list[dict] = []
    for d, js in plan.days.items():
        rows = []
        for j in js:
            info = cands.info(int(j))
            info["gain"] = float(gain_of.get(j, 0.0))
            info["weekday"] = d
            rows.append(info)
        days[d] = rows
        chosen += rows
    for rank, row in enumerate(chosen, start=1):
        row["rank"] = rank
    return Outcome(
        kind="mobile",
        query=query,
        threshold=t,
        candidates_label=candidates.label,
        from_scratch=False,
        chosen=chosen,
        before=rec.base_weight,
        after=rec.covered_weight,
        total=rec.total_weight,
        upper_bound=rec.upper_bound,
        gap=rec.gap,
        proven_optimal=rec.proven_optimal,
        method=rec.method,
        seconds=rec.seconds,
        time_limit_hit=rec.time_limit_hit,
        k=len(weekdays) * stops_per_day,
        days=days,
        unit_name=unit.name,
    )


# --------------------------------------------------------------------------- scenarios


@dataclass(eq=False)
class Scenario:
    """Before and after closing places and opening new ones."""

    before: Analysis
    after: CoverageResult
    diff: mesh.CoverageDiff
    closed: list[dict[str, Any]]
    opened: list[dict[str, Any]]
    #: the territory with the scenario applied, as an analysis (its figures, map,
    #: underserved communes and catchments are what a page shows "after")
    after_analysis: Analysis | None = None

    def rows(self) -> list[dict[str, Any]]:
        """Per threshold: population and communes within, before and after."""
        b, a = self.before.result, self.after
        return [
            {
                "threshold": t,
                "population_before": b.covered_weight[t],
                "population_after": a.covered_weight[t],
                "share_before": b.weight_share[t],
                "share_after": a.weight_share[t],
                "communes_before": b.covered_points[t],
                "communes_after": a.covered_points[t],
            }
            for t in b.thresholds
        ]

    def changed_communes(self, limit: int | None = 50) -> list[dict[str, Any]]:
        """Communes whose cost changed, largest population first."""
        b, a = self.before.result, self.after
        idx = np.flatnonzero(np.abs(np.nan_to_num(self.diff.cost_delta)) > 1e-9)
        idx = idx[np.lexsort((-np.abs(self.diff.cost_delta[idx]), -b.weights[idx]))][:limit]
        out = []
        for i in idx:
            cb, ca = float(b.cost[i]), float(a.cost[i])
            out.append(
                {
                    "code": str(b.demand_ids[i]),
                    "name": str(b.demand_names[i]) if b.demand_names is not None else "",
                    "population": int(b.weights[i]),
                    "cost_before": round(cb, 2) if math.isfinite(cb) else None,
                    "cost_after": round(ca, 2) if math.isfinite(ca) else None,
                }
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "closed": self.closed,
            "opened": self.opened,
            "thresholds": self.rows(),
            "target": self.before.target,
            "underserved_before": int(
                np.count_nonzero(self.before.result.cost > self.before.target)
            ),
            "underserved_after": int(np.count_nonzero(self.after.cost > self.before.target)),
            "changed_communes": self.changed_communes(),
        }


def scenario(
    query: Query,
    *,
    close: Sequence[str] = (),
    open_at: Sequence[str] = (),
    analysis: Analysis | None = None,
) -> Scenario:
    """Close the places ``close`` (place slugs: a mobile unit's stops all close) and open
    new places at the centres of the communes ``open_at``; every figure before and after."""
    before = analysis or analyse(query)
    counted = before.counted
    drop: list[str] = []
    closed_rows: list[dict] = []
    for slug in close:
        hit = np.flatnonzero(counted.slugs == slug)
        if not hit.size:
            raise ParameterError(
                "close", f"« {slug[:60]} » n'est pas un lieu qui compte dans cette analyse."
            )
        drop += [str(counted.ids[j]) for j in hit]
        closed_rows.append(counted.info(int(hit[0])) | {"stops": int(hit.size)})
    for code in open_at:
        if code not in before.territory.demand.index:
            raise ParameterError("open", f"« {code[:10]} » n'est pas une commune du territoire.")
    opened = adapter.new_sites_at_communes(
        before.territory, list(dict.fromkeys(open_at)), query.functions or ()
    )
    opened.facilities.names = np.array(
        [f"Nouveau lieu {at_name(n)}" for n in opened.commune_names.tolist()], dtype=str
    )
    after_set = counted.take(~np.isin(counted.ids, drop))
    if len(opened):
        after_set = after_set.plus(opened)
    after = mesh.coverage(
        before.territory.demand,
        after_set.facilities,
        query.model,
        before.thresholds,
        target=before.target,
    )
    return Scenario(
        before=before,
        after=after,
        diff=mesh.compare(before.result, after),
        closed=closed_rows,
        opened=[opened.info(i) for i in range(len(opened))],
        after_analysis=Analysis(query, before.territory, before.places, after_set, after),
    )


__all__ = [
    "COMMAND_TIME_LIMIT",
    "MAX_ADD",
    "MAX_TIME_LIMIT",
    "Analysis",
    "Outcome",
    "Query",
    "Scenario",
    "analyse",
    "fmt_threshold",
    "make_query",
    "threshold_key",
    "mobile_plan",
    "recommend",
    "scenario",
    "set_cover",
]
