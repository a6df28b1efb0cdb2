"""maillage.mesh: analysis of a territory's network of places (pure numpy/scipy, no Django).

Inputs are plain data (:class:`DemandPoints`, :class:`Facilities`, a
:class:`TravelModel`); outputs are dataclasses of numpy arrays and floats, each with a
``summary()`` of JSON-able values.

- :func:`coverage`: nearest place, cost, places within each threshold, shares of
  population and of points, catchments, underserved points; on a date or a season.
- :func:`scenario` / :func:`compare`: close, open, add a mobile unit's stops: every
  figure's difference.
- :func:`recommend` (maximal covering), :func:`set_cover` (fewest new places for a
  target share), :func:`mobile_stops` (a mobile unit's stops per weekday); every answer
  states its proven upper bound and optimality gap.
- :mod:`maillage.mesh.opendata`: readers for the reference open data (communes,
  populations, France Services).

See docs/mesh.md.
"""

from .coverage import (
    TIE_TOLERANCE,
    CoverageDiff,
    CoverageResult,
    FunctionCatchments,
    catchments_by_function,
    compare,
    coverage,
    coverage_by_function,
    scenario,
    select_facilities,
    shares_of_nearest,
)
from .model import (
    ZONES,
    Availability,
    DemandPoints,
    Facilities,
    mobile_unit,
    new_place,
    project_lonlat,
)
from .optimize import (
    DEFAULT_BUDGET,
    Budget,
    MobilePlan,
    Recommendation,
    SetCoverResult,
    SolverProgress,
    mobile_stops,
    recommend,
    set_cover,
)
from .travel import PRESETS, EstimatedTime, ODMatrix, StraightLine, TravelModel

__all__ = [
    "DEFAULT_BUDGET",
    "PRESETS",
    "TIE_TOLERANCE",
    "ZONES",
    "Availability",
    "Budget",
    "CoverageDiff",
    "CoverageResult",
    "DemandPoints",
    "EstimatedTime",
    "Facilities",
    "FunctionCatchments",
    "MobilePlan",
    "ODMatrix",
    "Recommendation",
    "SetCoverResult",
    "SolverProgress",
    "StraightLine",
    "TravelModel",
    "catchments_by_function",
    "compare",
    "coverage",
    "coverage_by_function",
    "mobile_stops",
    "mobile_unit",
    "new_place",
    "project_lonlat",
    "recommend",
    "scenario",
    "select_facilities",
    "set_cover",
    "shares_of_nearest",
]
