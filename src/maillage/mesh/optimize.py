"""Where to add places: maximal covering location, set covering, mobile stops.

The problem (MCLP): demand points i of weight w_i, candidate sites j, a_ij = 1 when
site j is within the threshold of point i. Existing places are kept: the points
they already cover are counted once and for all. Choose at most k candidates to
maximise the weight of the points within the threshold of a chosen site.

How :func:`recommend` solves it:

1. Reduction (exact): drop points already covered, of zero weight, or that no
   candidate reaches; merge points reached by exactly the same candidates
   (weights add up); drop candidates reaching nothing, and candidates whose set
   of points is included in another candidate's (ties: the first one is kept);
   repeat while something changes.
2. A good solution: lazy greedy (CELF) then best-improvement swaps (one chosen
   site out, one other in) while they gain. Done if it reaches a simple bound.
3. Exact search on reduced instances up to ``bb_max_nnz`` nonzeros: a branch and
   bound whose nodes are LP relaxations solved by HiGHS (highspy), warm-started from
   the parent's basis and from the heuristic solution; ``exact=True`` beyond that
   size runs HiGHS's MILP, warm-started, and keeps its dual bound if it stops early.
4. Larger instances: the Lagrangian relaxation of the coverage constraints, minimised
   by smoothing and L-BFGS-B; every Lagrangian value is a valid bound, so the bound
   holds whenever the search stops; after each stage the smoothed solution guides a
   rounding improved by swaps. With integer weights bounds are rounded down.

Every answer states its upper bound and its gap: ``(bound - value) / bound`` on the
total covered weight (existing places included), 0 when proven optimal.

Limits are work, not seconds (:class:`Budget`: swap moves, L-BFGS-B iterations, branch
and bound nodes, simplex iterations, MILP nodes): the same inputs and budget give the
same sites and the same bound on any machine and under any load. ``time_limit`` is only
a safety net; when it stops the search the answer says so (``time_limit_hit``), and
only then may it depend on the machine's speed. ``on_progress`` receives a
:class:`SolverProgress` (stage, share of the budget spent, value, bound, gap) along the way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .coverage import select_facilities
from .model import DemandPoints, Facilities, FloatArray, IntArray, mobile_unit
from .travel import TravelModel

# --------------------------------------------------------------------------------------
# HiGHS
# --------------------------------------------------------------------------------------

_HIGHS_LOCK = threading.Lock()
_HIGHS_BANNER_SILENCED = False


def _new_highs() -> Any:
    """A silent ``highspy.Highs`` (its constructor prints a banner once per process:
    stdout's file descriptor is redirected for that first construction)."""
    global _HIGHS_BANNER_SILENCED
    import highspy

    with _HIGHS_LOCK:
        if not _HIGHS_BANNER_SILENCED:
            try:
                sys.stdout.flush()
                fd = os.dup(1)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                try:
                    h = highspy.Highs()
                finally:
                    os.dup2(fd, 1)
                    os.close(fd)
                    os.close(null)
            except OSError:  # no real stdout file descriptor
                h = highspy.Highs()
            _HIGHS_BANNER_SILENCED = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


# --------------------------------------------------------------------------------------
# Budget, progress
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How much work a search may do. Every limit counts work, so that the answer
    depends only on the inputs and the budget, never on the machine's speed or load.

    ``time_limit`` (seconds) is a safety net, not a limit of the method: when it stops
    a search the answer reports it (``time_limit_hit``) and only then may it differ
    from one run to the next."""

    #: best-improvement 1-swap moves per local search
    swap_moves: int = 1000
    #: L-BFGS-B iterations per smoothing stage of the Lagrangian dual
    lagrangian_iterations: int = 150
    #: smoothing of each stage (fraction of the initial k-th largest column value)
    lagrangian_stages: tuple[float, ...] = (0.01, 0.002, 0.0005)
    #: LP solves of the branch and bound
    nodes: int = 100_000
    #: dual simplex iterations over the whole branch and bound
    lp_iterations: int = 10_000_000
    #: branch and bound nodes of HiGHS's MILP (``exact=True`` on large instances)
    mip_nodes: int = 100_000
    #: safety net, in seconds (reported when hit)
    time_limit: float = 600.0

    def with_time_limit(self, seconds: float | None) -> Budget:
        return self if seconds is None else dataclasses.replace(self, time_limit=float(seconds))


DEFAULT_BUDGET = Budget()


@dataclass(frozen=True)
class SolverProgress:
    """Where a search stands: given to ``on_progress`` after each step."""

    #: "reduction", "greedy", "swap", "lagrangian", "branch-and-bound", "milp", "done"
    stage: str
    #: share of the work budget spent (0..1; a search usually ends well before 1)
    done: float
    #: covered weight of the best solution so far (existing places included)
    value: float
    #: proven upper bound so far (existing places included; inf: none yet)
    bound: float

    @property
    def gap(self) -> float:
        if not np.isfinite(self.bound) or self.bound <= 0:
            return 0.0 if self.bound == 0 else float("inf")
        return max(0.0, (self.bound - self.value) / self.bound)


ProgressCallback = Callable[[SolverProgress], None]


class _Run:
    """The work done by one search, its safety net and its progress reports."""

    def __init__(
        self, budget: Budget, on_progress: ProgressCallback | None = None, base: float = 0.0
    ) -> None:
        self.budget = budget
        self.deadline = time.perf_counter() + budget.time_limit
        self.time_limit_hit = False
        self.on_progress = on_progress
        self.base = base
        self.value = 0.0
        self.bound = float("inf")

    def out_of_time(self) -> bool:
        """True once the safety net is reached (and from then on)."""
        if not self.time_limit_hit and time.perf_counter() > self.deadline:
            self.time_limit_hit = True
        return self.time_limit_hit

    def remaining(self) -> float:
        return max(1e-3, self.deadline - time.perf_counter())

    def report(
        self, stage: str, done: float, value: float | None = None, bound: float | None = None
    ) -> None:
        if value is not None:
            self.value = max(self.value, float(value))
        if bound is not None:
            bound = float(bound)
            # A bound within rounding of the best value IS that value (a float sum can
            # leave it an ulp below): snapped, so the last report equals the result's.
            if bound <= self.value + 1e-9 * max(1.0, abs(self.value)):
                bound = self.value
            self.bound = min(self.bound, bound)
        if self.on_progress is not None:
            self.on_progress(
                SolverProgress(
                    stage, min(1.0, max(0.0, done)), self.base + self.value, self.base + self.bound
                )
            )


# --------------------------------------------------------------------------------------
# Reduced instance
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class CoverInstance:
    """A reduced covering instance: rows (merged demand groups) x columns (candidates)."""

    #: (n_rows, n_cols) 0/1 CSR, sorted indices
    A: sp.csr_matrix
    #: weight per row
    w: FloatArray
    #: column -> index into the original candidates
    cols: IntArray
    #: weight already covered by the existing places (not in the rows)
    base: float
    #: total weight of all demand points
    total: float
    #: weight that no candidate nor existing place reaches
    unreachable: float
    #: weights are all integers (bounds may then be rounded down)
    integral: bool
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return int(self.A.shape[0])

    @property
    def n_cols(self) -> int:
        return int(self.A.shape[1])

    @property
    def reachable(self) -> float:
        return float(self.w.sum())

    @cached_property
    def Ac(self) -> sp.csc_matrix:
        """The same matrix column-wise (rows of each column: ``indices[indptr[j]:indptr[j+1]]``)."""
        return self.A.tocsc()

    def covered_mask(self, sel: Iterable[int]) -> NDArray[np.bool_]:
        Ac = self.Ac
        cov = np.zeros(self.n_rows, dtype=bool)
        for j in sel:
            cov[Ac.indices[Ac.indptr[j] : Ac.indptr[j + 1]]] = True
        return cov


def _csr(rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> sp.csr_matrix:
    a = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=shape)
    a.sum_duplicates()
    a.data[:] = 1.0
    a.sort_indices()
    return a


def _merge_rows(
    A: sp.csr_matrix, w: FloatArray, rng: np.random.Generator
) -> tuple[sp.csr_matrix, FloatArray]:
    """Merge identical rows (same set of columns), adding their weights."""
    n = A.shape[0]
    if n <= 1:
        return A, w
    r = rng.random((A.shape[1], 2))
    h = A @ r
    nnz = np.diff(A.indptr)
    key = np.rec.fromarrays([nnz, h[:, 0], h[:, 1]])
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    inv = inv.ravel()
    if len(first) == n:
        return A, w
    rep = A[first]
    # verify (hash collisions are astronomically unlikely, but be exact)
    if (A - rep[inv]).count_nonzero() != 0:
        groups: dict[tuple[int, ...], int] = {}
        inv = np.array(
            [
                groups.setdefault(tuple(A.indices[A.indptr[i] : A.indptr[i + 1]]), len(groups))
                for i in range(n)
            ]
        )
        first = np.unique(inv, return_index=True)[1]
        rep = A[first]
    wm = np.bincount(inv, weights=w, minlength=len(first))
    return rep.tocsr(), wm


def _dominated_columns(A: sp.csr_matrix, budget: float = 4e7) -> NDArray[np.bool_] | None:
    """Columns whose row set is included in another column's (None: too costly to check)."""
    rn = np.diff(A.indptr).astype(float)
    if float((rn * rn).sum()) > budget:
        return None
    At = A.T.tocsr()
    C = (At @ A).tocoo()
    size = np.diff(At.indptr)
    r, c, v = C.row, C.col, C.data
    sub = (r != c) & (v == size[r]) & ((size[c] > size[r]) | ((size[c] == size[r]) & (c < r)))
    dom = np.zeros(A.shape[1], dtype=bool)
    dom[r[sub]] = True
    return dom


def build_instance(
    demand: DemandPoints,
    existing: Facilities | None,
    candidates: Facilities,
    model: TravelModel,
    threshold: float,
    *,
    reduce: bool = True,
    dominance: bool = True,
    seed: int = 0,
) -> CoverInstance:
    """The reduced covering instance of a recommendation problem (see the module doc)."""
    t0 = time.perf_counter()
    w_all = demand.weights
    total = float(w_all.sum())
    n_d, n_c = len(demand), len(candidates)
    covered0 = np.zeros(n_d, dtype=bool)
    if existing is not None and len(existing):
        _, c0 = model.nearest(demand, existing)
        covered0 = c0 <= threshold
    base = float(w_all[covered0].sum())
    rows, cols, _ = model.pairs_within(demand, candidates, threshold, sort=False)
    live = ~covered0 & (w_all > 0)
    keep = live[rows]
    rows, cols = rows[keep], cols[keep]
    A = _csr(rows, cols, (n_d, n_c))
    has = np.diff(A.indptr) > 0
    unreachable = float(w_all[live & ~has].sum())
    rsel = np.flatnonzero(live & has)
    A = A[rsel]
    w = w_all[rsel].astype(float)
    colmap = np.arange(n_c, dtype=np.intp)
    stats: dict[str, Any] = {
        "points": n_d,
        "candidates": n_c,
        "rows_live": len(rsel),
        "nnz_live": int(A.nnz),
    }
    if reduce:
        rng = np.random.default_rng(seed)
        for _ in range(4):
            before = A.shape
            A, w = _merge_rows(A, w, rng)
            colnnz = np.diff(A.tocsc().indptr)
            keepc = colnnz > 0
            if dominance and A.shape[0] > 0 and keepc.any():
                dom = _dominated_columns(A[:, np.flatnonzero(keepc)].tocsr())
                if dom is not None:
                    keepc[np.flatnonzero(keepc)[dom]] = False
            if not keepc.all():
                A = A[:, np.flatnonzero(keepc)].tocsr()
                colmap = colmap[keepc]
            A.sort_indices()
            if A.shape == before:
                break
    integral = bool(np.all(np.abs(w_all - np.round(w_all)) == 0))
    stats.update(
        rows=int(A.shape[0]),
        cols=int(A.shape[1]),
        nnz=int(A.nnz),
        reduce_s=time.perf_counter() - t0,
    )
    return CoverInstance(A.tocsr(), w, colmap, base, total, unreachable, integral, stats)


# --------------------------------------------------------------------------------------
# Heuristics
# --------------------------------------------------------------------------------------


def _greedy(
    inst: CoverInstance, k: int, fixed: Sequence[int] = ()
) -> tuple[list[int], list[float]]:
    """Lazy greedy (CELF): up to ``k`` columns, each the largest marginal gain."""
    A = inst.A.tocsc()
    w = inst.w
    covered = np.zeros(inst.n_rows, dtype=bool)
    for j in fixed:
        covered[A.indices[A.indptr[j] : A.indptr[j + 1]]] = True
    gains0 = np.asarray(A.T @ (w * ~covered)).ravel()
    heap = [(-g, j) for j, g in enumerate(gains0) if g > 0]
    heapq.heapify(heap)
    chosen: list[int] = []
    gains: list[float] = []
    while heap and len(chosen) < k:
        negg, j = heapq.heappop(heap)
        rows = A.indices[A.indptr[j] : A.indptr[j + 1]]
        g = float(w[rows][~covered[rows]].sum())
        if g <= 0:
            continue
        if heap and g < -heap[0][0] - 1e-12 * max(1.0, g):
            heapq.heappush(heap, (-g, j))
            continue
        chosen.append(j)
        gains.append(g)
        covered[rows] = True
    return chosen, gains


def _value(inst: CoverInstance, sel: Sequence[int]) -> float:
    """Weight of the rows covered by the columns ``sel``."""
    if not len(sel):
        return 0.0
    return float(inst.w[inst.covered_mask(sel)].sum())


def _swap(inst: CoverInstance, sel: list[int], run: _Run, max_iter: int) -> list[int]:
    """Best-improvement 1-swap local search (out: a chosen column; in: any other), at
    most ``max_iter`` moves (the safety net of ``run`` may stop it earlier)."""
    if not sel or inst.n_cols <= len(sel):
        return sel
    A = inst.A
    At = A.T.tocsr()
    w = inst.w
    sel = list(sel)
    for _ in range(max_iter):
        if run.out_of_time():
            break
        S = A[:, sel]
        c = np.asarray(S.sum(axis=1)).ravel()
        w0 = w * (c == 0)
        w1 = w * (c == 1)
        add = np.asarray(At @ w0).ravel()  # gain of adding j
        loss = np.asarray(S.T @ w1).ravel()  # loss of removing sel[s]
        M = (At @ sp.diags(w1) @ S).toarray()  # shared uniquely-covered weight
        delta = add[:, None] + M - loss[None, :]
        delta[sel, :] = -np.inf
        j, s = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[j, s] <= 1e-9 * max(1.0, inst.reachable):
            break
        sel[s] = int(j)
    return sel


# --------------------------------------------------------------------------------------
# Bounds
# --------------------------------------------------------------------------------------


def _topk_sum(v: FloatArray, k: int) -> float:
    if k <= 0 or v.size == 0:
        return 0.0
    if k >= v.size:
        return float(v[v > 0].sum())
    part = np.partition(v, v.size - k)[v.size - k :]
    return float(part[part > 0].sum())


def _lagrangian(inst: CoverInstance, k: int, lam: FloatArray) -> tuple[float, FloatArray]:
    """The Lagrangian bound: relaxing ``y_i <= sum_j a_ij x_j`` with multipliers
    ``0 <= lam <= w`` leaves ``max sum (w - lam) y + sum (A^T lam) x, sum x <= k``,
    solved by y = 1 and x = the k largest ``A^T lam``. Its value bounds the optimum from
    above for any such ``lam``. Returns it and that x (0/1 per column)."""
    lam = np.clip(lam, 0.0, inst.w)
    c = np.asarray(inst.A.T @ lam).ravel()
    val = float((inst.w - lam).sum())
    m = inst.n_cols
    top = np.arange(m) if k >= m else np.argpartition(c, m - k)[m - k :]
    top = top[c[top] > 0]
    val += float(c[top].sum())
    x = np.zeros(m)
    x[top] = 1.0
    return val, x


def lagrangian_bound(
    inst: CoverInstance,
    k: int,
    *,
    budget: Budget = DEFAULT_BUDGET,
    lower: float | None = None,
    target_gap: float = 0.0,
    on_stage: Callable[[float, FloatArray], float] | None = None,
    run: _Run | None = None,
    check_every: int = 10,
) -> tuple[float, FloatArray, list[FloatArray]]:
    """Minimise the Lagrangian dual (whose minimum is the LP relaxation's value) by
    smoothing: the sum of the k largest ``c_j = (A^T lam)_j`` is at most
    ``k mu + tau sum_j log(1 + exp((c_j - mu) / tau))`` for any ``mu``, a smooth convex
    function of (lam, mu) minimised by L-BFGS-B under the box ``0 <= lam <= w``, with
    ``tau`` decreasing over ``budget.lagrangian_stages`` (fractions of the initial k-th
    largest c), at most ``budget.lagrangian_iterations`` iterations per stage.
    The exact Lagrangian value at each stage's point, and every ``check_every``
    evaluations, is a valid bound; the smallest is returned, with its multipliers and
    each stage's smoothed fractional x (guides for rounding). With ``lower`` (a known
    solution's value), stops once a stage closes less than a tenth of the remaining gap,
    or once the gap is at most ``target_gap``. ``on_stage(bound, guide)``, called after
    each stage, may improve the solution and returns its value (the new ``lower``).
    Every stopping rule counts work: the same inputs give the same bound, whatever the
    machine's load (only ``run``'s safety net, when hit, stops on time)."""
    from scipy.optimize import minimize
    from scipy.special import expit

    run = run or _Run(budget)
    A = inst.A
    At = A.T.tocsr()
    w = inst.w
    n = inst.n_rows
    m = inst.n_cols
    deg = np.maximum(1, np.diff(A.indptr))
    lam = w / deg
    c = np.asarray(At @ lam).ravel()
    mu0 = float(np.partition(c, m - k)[m - k]) if k < m else 0.0
    best, _ = _lagrangian(inst, k, lam)
    best_lam = lam.copy()
    guides: list[FloatArray] = []
    z = np.concatenate([lam, [mu0]])
    bounds = np.column_stack([np.zeros(n + 1), np.concatenate([w, [np.inf]])])
    scale = max(mu0, float(w.max()) * 1e-3, 1e-9)
    stages = tuple(budget.lagrangian_stages)
    iterations = max(1, int(budget.lagrangian_iterations))
    total_work = max(1, len(stages) * iterations)
    state: dict[str, Any] = {"evals": 0, "iters": 0, "best": best, "lam": best_lam}
    run.report("lagrangian", 0.0, lower, best)

    class _Stop(Exception):
        pass

    for s_i, frac in enumerate(stages):
        if run.out_of_time():
            break
        tau = scale * frac
        last = [z]

        def fg(
            zz: FloatArray, tau: float = tau, last: list[FloatArray] = last
        ) -> tuple[float, FloatArray]:
            if run.out_of_time():
                raise _Stop
            lm, mu = zz[:n], zz[n]
            atl = np.asarray(At @ lm).ravel()
            u = (atl - mu) / tau
            val = float((w - lm).sum() + k * mu + tau * np.logaddexp(0.0, u).sum())
            sg = expit(u)
            g = np.empty(n + 1)
            g[:n] = np.asarray(A @ sg).ravel() - 1.0
            g[n] = k - float(sg.sum())
            last[0] = zz.copy()
            state["evals"] += 1
            if state["evals"] % check_every == 0:
                # any multipliers in the box give a bound: keep the best one seen
                lc = np.clip(lm, 0.0, w)
                exact = float((w - lc).sum()) + _topk_sum(
                    atl if lc is lm else np.asarray(At @ lc).ravel(), k
                )
                if exact < state["best"]:
                    state["best"], state["lam"] = exact, lc.copy()
                run.report("lagrangian", state["iters"] / total_work, None, state["best"])
            return val, g

        def count(_xk: FloatArray) -> None:
            state["iters"] += 1

        try:
            res = minimize(
                fg,
                z,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                callback=count,
                options={"maxiter": iterations, "maxcor": 20},
            )
            z = res.x
        except _Stop:
            z = last[0]
        state["iters"] = (s_i + 1) * iterations
        val, _ = _lagrangian(inst, k, z[:n])
        guides.append(expit((np.asarray(At @ z[:n]).ravel() - z[n]) / tau))
        previous = best
        if val < state["best"]:
            state["best"], state["lam"] = val, np.clip(z[:n], 0.0, w)
        best, best_lam = state["best"], state["lam"]
        if on_stage is not None:
            lower = on_stage(best, guides[-1])
        run.report("lagrangian", (s_i + 1) / len(stages), lower, best)
        if lower is not None and (
            previous - best < 0.1 * (best - lower) or best - lower <= target_gap * best
        ):
            break
    return state["best"], state["lam"], guides


# --------------------------------------------------------------------------------------
# Exact MILP
# --------------------------------------------------------------------------------------


def _build_mip(inst: CoverInstance, k: int, integer: bool = True) -> Any:
    """max sum w_i y_i  s.t.  y_i - sum_j a_ij x_j <= 0,  sum_j x_j <= k,  x binary, 0 <= y <= 1."""
    import highspy

    n, m = inst.n_rows, inst.n_cols
    h = _new_highs()
    inf = highspy.kHighsInf
    # columns: x (m) then y (n)
    cost = np.concatenate([np.zeros(m), inst.w])
    lower = np.zeros(m + n)
    upper = np.ones(m + n)
    h.addVars(m + n, lower, upper)
    h.changeColsCost(m + n, np.arange(m + n, dtype=np.int32), cost)
    if integer and m:
        h.changeColsIntegrality(
            m, np.arange(m, dtype=np.int32), np.full(m, highspy.HighsVarType.kInteger)
        )
    # rows: y_i - A_i x <= 0  (n rows), then sum x <= k
    A = inst.A
    indptr = np.zeros(n + 2, dtype=np.int32)
    nnz_row = np.diff(A.indptr) + 1
    indptr[1 : n + 1] = np.cumsum(nnz_row)
    idx = np.empty(A.nnz + n + m, dtype=np.int32)
    val = np.empty(A.nnz + n + m)
    # row i: x entries then y_i
    pos = indptr[:n]
    rowid = np.repeat(np.arange(n), np.diff(A.indptr))
    within = np.arange(A.nnz) - np.repeat(A.indptr[:-1], np.diff(A.indptr))
    dst = pos[rowid] + within
    idx[dst] = A.indices
    val[dst] = -1.0
    ypos = indptr[1 : n + 1] - 1
    idx[ypos] = m + np.arange(n)
    val[ypos] = 1.0
    idx[indptr[n] :] = np.arange(m)
    val[indptr[n] :] = 1.0
    indptr[n + 1] = indptr[n] + m
    lo = np.full(n + 1, -inf)
    hi = np.concatenate([np.zeros(n), [float(k)]])
    h.addRows(n + 1, lo, hi, len(idx), indptr[:-1], idx, val)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def _solve_mip(
    inst: CoverInstance,
    k: int,
    start: Sequence[int],
    run: _Run,
    *,
    node_limit: int | None = None,
) -> tuple[list[int] | None, float, float, bool]:
    """Exact MILP (HiGHS), at most ``node_limit`` nodes (None: no work limit, only
    ``run``'s safety net). Returns (solution or None, its value, dual bound, proven)."""
    import highspy

    n, m = inst.n_rows, inst.n_cols
    h = _build_mip(inst, k)
    h.setOptionValue("time_limit", run.remaining())
    if node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(node_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5 if inst.integral else 1e-6)
    if len(start):
        x = np.zeros(m + n)
        x[list(start)] = 1.0
        c = np.asarray(inst.A[:, list(start)].sum(axis=1)).ravel()
        x[m:] = (c > 0).astype(float)
        sol = highspy.HighsSolution()
        sol.col_value = list(x)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    proven = status == ms.kOptimal
    if status == ms.kTimeLimit:
        run.time_limit_hit = True
    stopped = status in (ms.kTimeLimit, ms.kIterationLimit, ms.kSolutionLimit, ms.kInterrupt)
    bound = float(info.mip_dual_bound) if (proven or stopped) else np.inf
    if not np.isfinite(bound):
        bound = np.inf
    if info.primal_solution_status >= 2:  # feasible
        xs = np.asarray(h.getSolution().col_value)[:m]
        sel = [int(j) for j in np.flatnonzero(xs > 0.5)]
        return sel, _value(inst, sel), bound, proven
    return None, -np.inf, bound, False


def _branch_and_bound(
    inst: CoverInstance,
    k: int,
    start: Sequence[int],
    run: _Run,
    upper: float = np.inf,
) -> tuple[list[int], float, float, bool, int]:
    """Depth-first LP-based branch and bound (HiGHS's dual simplex, warm-started from
    the parent's basis). On small reduced instances it proves the optimum faster than
    a general MILP solve, whose root cut loop dominates there.

    Returns (solution, value, upper bound, proven, nodes). Each node's LP is rounded
    (its k largest x) into a solution. A node is pruned when its LP bound cannot beat
    the incumbent (by 1 with integer weights). Work limits: ``run.budget.nodes`` LP
    solves and ``run.budget.lp_iterations`` simplex iterations in all."""
    import highspy

    m = inst.n_cols
    h = _build_mip(inst, k, integer=False)
    h.setOptionValue("presolve", "off")
    node_limit = run.budget.nodes
    lp_left = int(run.budget.lp_iterations)
    ms = highspy.HighsModelStatus
    best_sel = list(start)
    best = _value(inst, best_sel)
    tol = 1e-9 * max(1.0, inst.reachable) + 1e-6
    eps = tol

    def cannot_beat(bound: float) -> bool:
        # integer weights: a better solution is at least best + 1
        return bound < best + (1 - tol if inst.integral else tol)

    colw = np.asarray(inst.A.T @ inst.w).ravel()
    lo = np.zeros(m)
    hi = np.ones(m)
    # stack of (fixed columns, fixed values, parent bound)
    stack: list[tuple[tuple[int, ...], tuple[float, ...], float]] = [((), (), np.inf)]
    nodes = 0
    stopped = False

    def open_bound() -> float:
        return min(upper, max((b for _, _, b in stack), default=best))

    while stack:
        fix_j, fix_v, parent = stack[-1]
        if cannot_beat(parent):
            stack.pop()
            continue
        if nodes >= node_limit or lp_left <= 0 or run.out_of_time():
            stopped = True
            break
        stack.pop()
        nlo = np.zeros(m)
        nhi = np.ones(m)
        if fix_j:
            fj = np.asarray(fix_j, dtype=np.intp)
            fv = np.asarray(fix_v)
            nlo[fj] = fv
            nhi[fj] = fv
        diff = np.flatnonzero((nlo != lo) | (nhi != hi))
        if diff.size:
            h.changeColsBounds(diff.size, diff.astype(np.int32), nlo[diff], nhi[diff])
            lo, hi = nlo, nhi
        h.setOptionValue("simplex_iteration_limit", lp_left)
        h.setOptionValue("time_limit", run.remaining())
        h.run()
        nodes += 1
        lp_left -= int(h.getInfo().simplex_iteration_count)
        status = h.getModelStatus()
        if nodes % 50 == 0:
            run.report(
                "branch-and-bound",
                max(nodes / node_limit, 1 - lp_left / max(1, run.budget.lp_iterations)),
                best,
                max(best, open_bound()) if stack else None,
            )
        if status == ms.kInfeasible:
            continue
        if status != ms.kOptimal:
            if status == ms.kTimeLimit:
                run.time_limit_hit = True
            stack.append((fix_j, fix_v, parent))
            stopped = True
            break
        bound = float(h.getInfo().objective_function_value)
        bound = min(bound, parent)
        if cannot_beat(bound):
            continue
        x = np.asarray(h.getSolution().col_value)[:m]
        frac = np.flatnonzero((x > 1e-6) & (x < 1 - 1e-6))
        # rounding: the k largest x
        cand = np.argsort(-x, kind="stable")[:k]
        cand = [int(j) for j in cand if x[j] > 1e-9]
        v = _value(inst, cand)
        if v > best + eps:
            best, best_sel = v, cand
        if frac.size == 0 or cannot_beat(bound):
            continue
        j = int(frac[np.argmax(colw[frac] * np.minimum(x[frac], 1 - x[frac]))])
        stack.append(((*fix_j, j), (*fix_v, 0.0), bound))
        stack.append(((*fix_j, j), (*fix_v, 1.0), bound))
    if not stopped:
        return best_sel, best, best, True, nodes
    return best_sel, best, max(best, open_bound()), False, nodes


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class Recommendation:
    """Where to add up to ``k`` places (see :func:`recommend`)."""

    #: indices into the candidates, in decreasing order of marginal gain
    chosen: IntArray
    chosen_ids: NDArray[np.str_]
    #: weight newly covered by each chosen site, in that order (greedy marginal gains)
    gains: FloatArray
    #: weight within the threshold with the chosen sites and the existing places
    covered_weight: float
    #: weight within the threshold of the existing places alone
    base_weight: float
    total_weight: float
    #: proven upper bound on ``covered_weight`` over every choice of k candidates
    upper_bound: float
    #: (upper_bound - covered_weight) / upper_bound; 0 when proven optimal
    gap: float
    proven_optimal: bool
    method: str
    k: int
    threshold: float
    unit: str
    seconds: float
    #: the safety net (seconds) stopped the search: only then may the answer depend on
    #: the machine's speed and load
    time_limit_hit: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def added_weight(self) -> float:
        return self.covered_weight - self.base_weight

    @property
    def share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "chosen": [str(c) for c in self.chosen_ids],
            "gains": [float(g) for g in self.gains],
            "covered_weight": self.covered_weight,
            "base_weight": self.base_weight,
            "total_weight": self.total_weight,
            "share": self.share,
            "upper_bound": self.upper_bound,
            "gap": self.gap,
            "proven_optimal": self.proven_optimal,
            "method": self.method,
            "k": self.k,
            "threshold": self.threshold,
            "unit": self.unit,
            "seconds": self.seconds,
            "time_limit_hit": self.time_limit_hit,
        }


def _order_by_gain(inst: CoverInstance, sel: Sequence[int]) -> tuple[list[int], list[float]]:
    """Order a solution greedily (largest marginal gain first, lazily) with the gains."""
    A = inst.Ac
    covered = np.zeros(inst.n_rows, dtype=bool)

    def gain(j: int) -> float:
        rows = A.indices[A.indptr[j] : A.indptr[j + 1]]
        return float(inst.w[rows][~covered[rows]].sum())

    heap = [(-gain(j), i, j) for i, j in enumerate(sel)]
    heapq.heapify(heap)
    out: list[int] = []
    gains: list[float] = []
    while heap:
        _, i, j = heapq.heappop(heap)
        g = gain(j)
        if heap and g < -heap[0][0] - 1e-12 * max(1.0, g):
            heapq.heappush(heap, (-g, i, j))
            continue
        out.append(j)
        gains.append(g)
        covered[A.indices[A.indptr[j] : A.indptr[j + 1]]] = True
    return out, gains


def solve_instance(
    inst: CoverInstance,
    k: int,
    *,
    budget: Budget | None = None,
    time_limit: float | None = None,
    exact: bool | None = None,
    bb_max_nnz: int = 300_000,
    plain: bool = False,
    target_gap: float = 0.0,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[int], float, float, bool, str, dict[str, Any]]:
    """Solve a reduced instance: (columns, value, upper bound, proven, method, stats).

    Values and bounds are on the reduced objective (weight of the rows covered).
    ``budget``: the work allowed (default :data:`DEFAULT_BUDGET`); ``time_limit``
    replaces its safety net (seconds); ``stats["time_limit_hit"]`` says whether it
    stopped the search. ``exact``: None decides by size (branch and bound up to
    ``bb_max_nnz`` nonzeros, else heuristics with a Lagrangian bound); True forces an
    exact search (the HiGHS MILP beyond that size, ``budget.mip_nodes`` nodes); False
    never runs one (greedy, swaps, Lagrangian bound). ``plain``: only the textbook MILP
    given to HiGHS, no warm start and no node limit (for comparisons).
    ``target_gap``: on large instances, stop improving once the gap is at most this.
    ``on_progress``: receives a :class:`SolverProgress` (reduced values + ``inst.base``)."""
    budget = (budget or DEFAULT_BUDGET).with_time_limit(time_limit)
    run = _Run(budget, on_progress, inst.base)
    t0 = time.perf_counter()
    stats: dict[str, Any] = {}

    def done(*out: Any) -> tuple[list[int], float, float, bool, str, dict[str, Any]]:
        stats["time_limit_hit"] = run.time_limit_hit
        run.report("done", 1.0, out[1], out[1] if out[3] else out[2])
        return out  # type: ignore[return-value]

    if plain:
        psel, pval, pbound, pproven = _solve_mip(inst, k, [], run)
        return done(psel or [], max(pval, 0.0), max(pbound, pval), pproven, "plain milp", stats)
    reach = inst.reachable
    k = max(0, int(k))
    tol = 1e-9 * max(1.0, reach)

    def floor(b: float) -> float:
        return float(np.floor(b + 1e-6 + tol)) if inst.integral else b

    if inst.n_rows == 0 or k == 0:
        return done([], 0.0, 0.0, True, "trivial", stats)
    sel, _ = _greedy(inst, k)
    val = _value(inst, sel)
    stats["greedy"] = val
    stats["greedy_s"] = time.perf_counter() - t0
    # cheap bound: everything reachable, or the k heaviest columns
    colw = np.asarray(inst.A.T @ inst.w).ravel()
    ub = floor(min(reach, _topk_sum(colw, k)))
    run.report("greedy", 0.0, val, ub)
    if val >= ub - tol:
        return done(sel, val, ub, True, "greedy (bound reached)", stats)
    method = "greedy"
    if len(sel) == k:
        sel2 = _swap(inst, sel, run, budget.swap_moves)
        val2 = _value(inst, sel2)
        stats["swap"] = val2
        stats["swap_s"] = time.perf_counter() - t0
        if val2 > val:
            sel, val, method = sel2, val2, "greedy+swap"
        run.report("swap", 0.0, val, ub)
    if val >= ub - tol:
        return done(sel, val, ub, True, method + " (bound reached)", stats)
    small = inst.A.nnz <= bb_max_nnz
    if exact is not False and small:
        bsel, bval, bub, proven, nodes = _branch_and_bound(inst, k, sel, run, ub)
        stats["nodes"] = nodes
        stats["bb_s"] = time.perf_counter() - t0
        if bval > val:
            sel, val = bsel, bval
        ub = min(ub, floor(bub))
        proven = proven or val >= ub - tol
        why = " (time limit)" if run.time_limit_hit else " (work budget)"
        return done(
            sel, val, max(ub, val), proven, "branch-and-bound" + ("" if proven else why), stats
        )
    if exact is True:
        msel, mval, mbound, proven = _solve_mip(inst, k, sel, run, node_limit=budget.mip_nodes)
        stats["mip_s"] = time.perf_counter() - t0
        if msel is not None and mval > val:
            sel, val = msel, mval
        ub = min(ub, floor(mbound))
        proven = proven or val >= ub - tol
        why = " (time limit)" if run.time_limit_hit else " (work budget)"
        return done(sel, val, max(ub, val), proven, "milp" + ("" if proven else why), stats)
    # large: Lagrangian bound; after each of its stages, its smoothed x guides a rounding
    # improved by swaps
    best = {"sel": sel, "val": val, "method": method}

    def on_stage(bound: float, guide: FloatArray) -> float:
        b = floor(min(ub, bound))
        v = float(best["val"])
        if v < b - tol and b - v > target_gap * b and not run.out_of_time():
            guided = [int(j) for j in np.argsort(-guide, kind="stable")[:k]]
            guided = _swap(inst, guided, run, budget.swap_moves)
            gval = _value(inst, guided)
            stats.setdefault("guided", []).append(gval)
            if gval > v:
                best.update(sel=guided, val=gval, method="lagrangian-guided swap")
        return float(best["val"])

    lb, _lam, _guides = lagrangian_bound(
        inst, k, budget=budget, lower=val, target_gap=target_gap, on_stage=on_stage, run=run
    )
    sel, val, method = list(best["sel"]), float(best["val"]), str(best["method"])
    stats["lagrangian_bound"] = lb
    ub = min(ub, floor(lb))
    stats["heuristic_s"] = time.perf_counter() - t0
    method += " + lagrangian bound" + (" (time limit)" if run.time_limit_hit else "")
    return done(sel, val, max(ub, val), val >= ub - tol, method, stats)


def recommend(
    demand: DemandPoints,
    existing: Facilities | None,
    candidates: Facilities,
    model: TravelModel,
    threshold: float,
    k: int,
    *,
    budget: Budget | None = None,
    time_limit: float | None = None,
    exact: bool | None = None,
    function: str | Iterable[str] | None = None,
    on: dt.date | None = None,
    target_gap: float = 0.0,
    on_progress: ProgressCallback | None = None,
) -> Recommendation:
    """Where to add up to ``k`` of ``candidates`` so that the most weight lies within
    ``threshold`` (km or minutes, inclusive) of a place, ``existing`` places kept.

    Candidates are any facilities: commune centroids (:meth:`DemandPoints.as_candidates`)
    or shareable places of given kinds (``places.of_kind("hotel", "school", ...)``).
    Only the ``existing`` places offering ``function`` (a slug or a family's slugs) and
    open ``on`` that day count, when given. ``target_gap`` (e.g. 0.01): on instances too
    large for the exact search, stop as soon as the certified gap is at most this.
    ``budget``: the work allowed (:class:`Budget`); the same inputs and budget give the
    same answer on any machine. ``time_limit``: the safety net in seconds (default the
    budget's), reported by ``time_limit_hit`` when it stops the search.
    ``on_progress``: called with a :class:`SolverProgress` after each step.
    See the module doc for the method and the gap."""
    t0 = time.perf_counter()
    budget = (budget or DEFAULT_BUDGET).with_time_limit(time_limit)
    if existing is not None:
        existing = select_facilities(existing, function, on)
    inst = build_instance(demand, existing, candidates, model, threshold)
    if on_progress is not None:
        on_progress(SolverProgress("reduction", 0.0, inst.base, inst.base + inst.reachable))
    # the safety net covers the whole call
    remaining = max(0.05, budget.time_limit - (time.perf_counter() - t0))
    sel, val, ub, proven, method, stats = solve_instance(
        inst,
        k,
        budget=budget,
        time_limit=remaining,
        exact=exact,
        target_gap=target_gap,
        on_progress=on_progress,
    )
    order, gains = _order_by_gain(inst, sel)
    chosen = inst.cols[np.asarray(order, dtype=np.intp)] if order else np.zeros(0, np.intp)
    covered = inst.base + val
    bound = inst.base + ub
    gap = 0.0 if proven else max(0.0, (bound - covered) / bound if bound > 0 else 0.0)
    return Recommendation(
        chosen=chosen,
        chosen_ids=candidates.ids[chosen],
        gains=np.asarray(gains, dtype=float),
        covered_weight=covered,
        base_weight=inst.base,
        total_weight=inst.total,
        upper_bound=covered if proven else bound,
        gap=gap,
        proven_optimal=proven,
        method=method,
        k=int(k),
        threshold=float(threshold),
        unit=model.unit,
        seconds=time.perf_counter() - t0,
        time_limit_hit=bool(stats.get("time_limit_hit", False)),
        stats={**inst.stats, **stats},
    )


# --------------------------------------------------------------------------------------
# Set covering: the fewest new places for a target share
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class SetCoverResult:
    """The fewest new places so that ``target_share`` of the weight is within the
    threshold (see :func:`set_cover`)."""

    chosen: IntArray
    chosen_ids: NDArray[np.str_]
    gains: FloatArray
    #: number of new places (``len(chosen)``)
    n_new: int
    #: proven lower bound on that number (equal when proven optimal)
    lower_bound: int
    covered_weight: float
    base_weight: float
    total_weight: float
    target_share: float
    #: False when even every candidate together cannot reach the target
    feasible: bool
    proven_optimal: bool
    method: str
    threshold: float
    unit: str
    seconds: float
    #: the safety net (seconds) stopped the search (see :class:`Budget`)
    time_limit_hit: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "chosen": [str(c) for c in self.chosen_ids],
            "gains": [float(g) for g in self.gains],
            "n_new": self.n_new,
            "lower_bound": self.lower_bound,
            "covered_weight": self.covered_weight,
            "share": self.share,
            "target_share": self.target_share,
            "feasible": self.feasible,
            "proven_optimal": self.proven_optimal,
            "method": self.method,
            "threshold": self.threshold,
            "unit": self.unit,
            "seconds": self.seconds,
            "time_limit_hit": self.time_limit_hit,
        }


def set_cover(
    demand: DemandPoints,
    existing: Facilities | None,
    candidates: Facilities,
    model: TravelModel,
    threshold: float,
    target_share: float,
    *,
    budget: Budget | None = None,
    time_limit: float | None = None,
    exact: bool | None = None,
    function: str | Iterable[str] | None = None,
    on: dt.date | None = None,
    on_progress: ProgressCallback | None = None,
) -> SetCoverResult:
    """The fewest ``candidates`` to add, ``existing`` places kept, so that at least
    ``target_share`` (0..1) of the weight lies within ``threshold``.

    Greedy gives a feasible count; a bisection on k with :func:`solve_instance` then
    lowers it: k is enough when the best k sites reach the target, not enough when a
    proven upper bound falls short. The answer states the proven lower bound.
    ``function``, ``on``: which existing places count, ``budget`` (per solve),
    ``time_limit`` (safety net for the whole call) and ``on_progress``: as in
    :func:`recommend`."""
    t0 = time.perf_counter()
    budget = (budget or DEFAULT_BUDGET).with_time_limit(time_limit)
    deadline = t0 + budget.time_limit
    hit = False
    if not 0.0 <= target_share <= 1.0:
        raise ValueError("target_share must be between 0 and 1")
    if existing is not None:
        existing = select_facilities(existing, function, on)
    inst = build_instance(demand, existing, candidates, model, threshold)
    tol = 1e-9 * max(1.0, inst.total)
    need = target_share * inst.total - inst.base - tol  # weight to add (reduced objective)
    stats: dict[str, Any] = dict(inst.stats)

    def result(
        sel: Sequence[int], lower: int, feasible: bool, proven: bool, method: str
    ) -> SetCoverResult:
        order, gains = _order_by_gain(inst, sel)
        chosen = inst.cols[np.asarray(order, dtype=np.intp)] if order else np.zeros(0, np.intp)
        return SetCoverResult(
            chosen=chosen,
            chosen_ids=candidates.ids[chosen],
            gains=np.asarray(gains, dtype=float),
            n_new=len(chosen),
            lower_bound=int(lower),
            covered_weight=inst.base + _value(inst, order),
            base_weight=inst.base,
            total_weight=inst.total,
            target_share=float(target_share),
            feasible=feasible,
            proven_optimal=proven,
            method=method,
            threshold=float(threshold),
            unit=model.unit,
            seconds=time.perf_counter() - t0,
            time_limit_hit=hit,
            stats=stats,
        )

    if need <= 0:
        return result([], 0, True, True, "existing places suffice")
    # greedy until the target (or until nothing more can be added)
    sel, gains = _greedy(inst, inst.n_cols)
    acc = np.cumsum(gains) if gains else np.zeros(0)
    reach_idx = np.flatnonzero(acc >= need)
    if reach_idx.size == 0:
        return result(
            sel, len(sel), False, False, "infeasible: every useful candidate is not enough"
        )
    hi = int(reach_idx[0]) + 1
    best = sel[:hi]
    # cheap lower bound: the heaviest columns
    colw = np.sort(np.asarray(inst.A.T @ inst.w).ravel())[::-1]
    # the largest k known to be insufficient: even the k heaviest columns fall short
    lo = int(np.searchsorted(np.cumsum(colw), need))
    method = "greedy"
    while hi - lo > 1:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            hit = True
            break
        mid = (lo + hi) // 2
        s, v, ub, proven, m, st = solve_instance(
            inst, mid, budget=budget, time_limit=remaining, exact=exact, on_progress=on_progress
        )
        hit = hit or bool(st.get("time_limit_hit"))
        if v >= need:
            hi, best, method = mid, s, "bisection on k (" + m + ")"
        elif ub < need:
            lo, method = mid, "bisection on k (" + m + ")"
        else:
            break
    stats["bisection_s"] = time.perf_counter() - t0
    return result(best, lo + 1, True, hi == lo + 1, method)


# --------------------------------------------------------------------------------------
# Mobile unit: the stops, per weekday
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class MobilePlan:
    """A mobile unit's stops per weekday (see :func:`mobile_stops`)."""

    #: weekday (0 = Monday) -> indices into the candidates
    days: dict[int, list[int]]
    #: weekday -> ids of those candidates
    day_ids: dict[int, list[str]]
    #: weekday -> weight newly reached by that day's stops (not covered by the existing
    #: places nor by the stops of the days listed before)
    day_gains: dict[int, float]
    recommendation: Recommendation
    #: the plan as facilities (one per stop, available on its weekday), for coverage()
    facilities: Facilities


def mobile_stops(
    demand: DemandPoints,
    existing: Facilities | None,
    candidates: Facilities,
    model: TravelModel,
    threshold: float,
    *,
    weekdays: Sequence[int] = (0, 1, 2, 3, 4),
    stops_per_day: int = 1,
    unit: str = "mobile-unit",
    functions: Iterable[str] = (),
    budget: Budget | None = None,
    time_limit: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> MobilePlan:
    """Where a mobile unit should stop, per weekday, to reach the most people not yet
    within ``threshold`` of a place: the best ``len(weekdays) * stops_per_day`` stops
    (a maximal covering problem, solved as :func:`recommend`), given to the days in
    decreasing order of what they add (the first day gets the stops reaching the most)."""
    k = len(weekdays) * stops_per_day
    rec = recommend(
        demand,
        existing,
        candidates,
        model,
        threshold,
        k,
        budget=budget,
        time_limit=time_limit,
        on_progress=on_progress,
    )
    order = [int(c) for c in rec.chosen]
    gains = [float(g) for g in rec.gains]
    days: dict[int, list[int]] = {}
    day_gains: dict[int, float] = {}
    for d_i, day in enumerate(weekdays):
        sl = slice(d_i * stops_per_day, (d_i + 1) * stops_per_day)
        days[int(day)] = order[sl]
        day_gains[int(day)] = float(sum(gains[sl]))
    stops = [
        (f"{unit}-{day}-{candidates.ids[j]}", candidates.xy[j], (day,))
        for day, js in days.items()
        for j in js
    ]
    fac = mobile_unit(unit, stops, functions=functions)
    return MobilePlan(
        days=days,
        day_ids={d: [str(candidates.ids[j]) for j in js] for d, js in days.items()},
        day_gains=day_gains,
        recommendation=rec,
        facilities=fac,
    )


__all__ = [
    "DEFAULT_BUDGET",
    "Budget",
    "CoverInstance",
    "MobilePlan",
    "Recommendation",
    "SetCoverResult",
    "SolverProgress",
    "build_instance",
    "lagrangian_bound",
    "mobile_stops",
    "recommend",
    "set_cover",
    "solve_instance",
]
