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
"""

from __future__ import annotations

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


def _swap(inst: CoverInstance, sel: list[int], deadline: float, max_iter: int = 1000) -> list[int]:
    """Best-improvement 1-swap local search (out: a chosen column; in: any other)."""
    if not sel or inst.n_cols <= len(sel):
        return sel
    A = inst.A
    At = A.T.tocsr()
    w = inst.w
    sel = list(sel)
    for _ in range(max_iter):
        if time.perf_counter() > deadline:
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
    deadline: float,
    *,
    stages: Sequence[float] = (0.01, 0.002, 0.0005),
    iterations: int = 150,
    lower: float | None = None,
    target_gap: float = 0.0,
    on_stage: Callable[[float, FloatArray], float] | None = None,
) -> tuple[float, FloatArray, list[FloatArray]]:
    """Minimise the Lagrangian dual (whose minimum is the LP relaxation's value) by
    smoothing: the sum of the k largest ``c_j = (A^T lam)_j`` is at most
    ``k mu + tau sum_j log(1 + exp((c_j - mu) / tau))`` for any ``mu``, a smooth convex
    function of (lam, mu) minimised by L-BFGS-B under the box ``0 <= lam <= w``, with
    ``tau`` decreasing over ``stages`` (fractions of the initial k-th largest c).
    The exact Lagrangian value at each stage's point is a valid bound; the smallest is
    returned, with its multipliers and each stage's smoothed fractional x (guides for
    rounding). With ``lower`` (a known solution's value), stops once a stage closes
    less than a tenth of the remaining gap, or once the gap is at most ``target_gap``.
    ``on_stage(bound, guide)``, called after each stage, may improve the solution and
    returns its value (the new ``lower``)."""
    from scipy.optimize import minimize
    from scipy.special import expit

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

    class _Stop(Exception):
        pass

    for frac in stages:
        if time.perf_counter() > deadline:
            break
        tau = scale * frac
        last = [z]

        def fg(
            zz: FloatArray, tau: float = tau, last: list[FloatArray] = last
        ) -> tuple[float, FloatArray]:
            if time.perf_counter() > deadline:
                raise _Stop
            lm, mu = zz[:n], zz[n]
            u = (np.asarray(At @ lm).ravel() - mu) / tau
            val = float((w - lm).sum() + k * mu + tau * np.logaddexp(0.0, u).sum())
            sg = expit(u)
            g = np.empty(n + 1)
            g[:n] = np.asarray(A @ sg).ravel() - 1.0
            g[n] = k - float(sg.sum())
            last[0] = zz.copy()
            return val, g

        try:
            res = minimize(
                fg,
                z,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": iterations, "maxcor": 20},
            )
            z = res.x
        except _Stop:
            z = last[0]
        val, _ = _lagrangian(inst, k, z[:n])
        guides.append(expit((np.asarray(At @ z[:n]).ravel() - z[n]) / tau))
        previous = best
        if val < best:
            best, best_lam = val, np.clip(z[:n], 0.0, w)
        if on_stage is not None:
            lower = on_stage(best, guides[-1])
        if lower is not None and (
            previous - best < 0.1 * (best - lower) or best - lower <= target_gap * best
        ):
            break
    return best, best_lam, guides


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
    inst: CoverInstance, k: int, start: Sequence[int], deadline: float
) -> tuple[list[int] | None, float, float, bool]:
    """Exact MILP. Returns (solution or None, its value, dual bound, proven)."""
    import highspy

    n, m = inst.n_rows, inst.n_cols
    h = _build_mip(inst, k)
    h.setOptionValue("time_limit", max(0.05, deadline - time.perf_counter()))
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
    deadline: float,
    node_limit: int = 100_000,
) -> tuple[list[int], float, float, bool, int]:
    """Depth-first LP-based branch and bound (HiGHS's dual simplex, warm-started from
    the parent's basis). On small reduced instances it proves the optimum faster than
    a general MILP solve, whose root cut loop dominates there.

    Returns (solution, value, upper bound, proven, nodes). Each node's LP is rounded
    (its k largest x) into a solution. A node is pruned when its LP bound cannot beat
    the incumbent (by 1 with integer weights)."""
    import highspy

    m = inst.n_cols
    h = _build_mip(inst, k, integer=False)
    h.setOptionValue("presolve", "off")
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
    while stack:
        fix_j, fix_v, parent = stack[-1]
        if cannot_beat(parent):
            stack.pop()
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or nodes >= node_limit:
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
        h.setOptionValue("time_limit", max(1e-3, remaining))
        h.run()
        nodes += 1
        status = h.getModelStatus()
        if status == ms.kInfeasible:
            continue
        if status != ms.kOptimal:
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
    open_bound = max((b for _, _, b in stack), default=best)
    return best_sel, best, max(best, open_bound), False, nodes


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
    time_limit: float = 30.0,
    exact: bool | None = None,
    bb_max_nnz: int = 300_000,
    plain: bool = False,
    target_gap: float = 0.0,
) -> tuple[list[int], float, float, bool, str, dict[str, Any]]:
    """Solve a reduced instance: (columns, value, upper bound, proven, method, stats).

    Values and bounds are on the reduced objective (weight of the rows covered).
    ``exact``: None decides by size (branch and bound up to ``bb_max_nnz`` nonzeros,
    else heuristics with a Lagrangian bound); True forces an exact search (the HiGHS
    MILP beyond that size); False never runs one (greedy, swaps, Lagrangian bound).
    ``plain``: only the textbook MILP given to HiGHS, no warm start (for comparisons).
    ``target_gap``: on large instances, stop improving once the gap is at most this."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    stats: dict[str, Any] = {}
    if plain:
        psel, pval, pbound, pproven = _solve_mip(inst, k, [], deadline)
        return psel or [], max(pval, 0.0), max(pbound, pval), pproven, "plain milp", stats
    reach = inst.reachable
    k = max(0, int(k))
    tol = 1e-9 * max(1.0, reach)

    def floor(b: float) -> float:
        return float(np.floor(b + 1e-6 + tol)) if inst.integral else b

    if inst.n_rows == 0 or k == 0:
        return [], 0.0, 0.0, True, "trivial", stats
    sel, _ = _greedy(inst, k)
    val = _value(inst, sel)
    stats["greedy"] = val
    stats["greedy_s"] = time.perf_counter() - t0
    # cheap bound: everything reachable, or the k heaviest columns
    colw = np.asarray(inst.A.T @ inst.w).ravel()
    ub = floor(min(reach, _topk_sum(colw, k)))
    if val >= ub - tol:
        return sel, val, ub, True, "greedy (bound reached)", stats
    method = "greedy"
    if len(sel) == k:
        sel2 = _swap(inst, sel, t0 + time_limit * 0.2)
        val2 = _value(inst, sel2)
        stats["swap"] = val2
        stats["swap_s"] = time.perf_counter() - t0
        if val2 > val:
            sel, val, method = sel2, val2, "greedy+swap"
    if val >= ub - tol:
        return sel, val, ub, True, method + " (bound reached)", stats
    small = inst.A.nnz <= bb_max_nnz
    if exact is not False and small:
        bsel, bval, bub, proven, nodes = _branch_and_bound(inst, k, sel, deadline)
        stats["nodes"] = nodes
        stats["bb_s"] = time.perf_counter() - t0
        if bval > val:
            sel, val = bsel, bval
        ub = min(ub, floor(bub))
        proven = proven or val >= ub - tol
        return (
            sel,
            val,
            max(ub, val),
            proven,
            "branch-and-bound" + ("" if proven else " (time limit)"),
            stats,
        )
    if exact is True:
        msel, mval, mbound, proven = _solve_mip(inst, k, sel, deadline)
        stats["mip_s"] = time.perf_counter() - t0
        if msel is not None and mval > val:
            sel, val = msel, mval
        ub = min(ub, floor(mbound))
        proven = proven or val >= ub - tol
        return sel, val, max(ub, val), proven, "milp" + ("" if proven else " (time limit)"), stats
    # large: Lagrangian bound; after each of its stages, its smoothed x guides a rounding
    # improved by swaps
    reserve = min(0.25 * time_limit, 2.0 + 1e-6 * inst.A.nnz)
    best = {"sel": sel, "val": val, "method": method}

    def on_stage(bound: float, guide: FloatArray) -> float:
        b = floor(min(ub, bound))
        v = float(best["val"])
        if v < b - tol and b - v > target_gap * b and time.perf_counter() < deadline:
            guided = [int(j) for j in np.argsort(-guide, kind="stable")[:k]]
            guided = _swap(inst, guided, deadline)
            gval = _value(inst, guided)
            stats.setdefault("guided", []).append(gval)
            if gval > v:
                best.update(sel=guided, val=gval, method="lagrangian-guided swap")
        return float(best["val"])

    lb, _lam, _guides = lagrangian_bound(
        inst, k, deadline - reserve, lower=val, target_gap=target_gap, on_stage=on_stage
    )
    sel, val, method = list(best["sel"]), float(best["val"]), str(best["method"])
    stats["lagrangian_bound"] = lb
    ub = min(ub, floor(lb))
    stats["heuristic_s"] = time.perf_counter() - t0
    return sel, val, max(ub, val), val >= ub - tol, method + " + lagrangian bound", stats


def recommend(
    demand: DemandPoints,
    existing: Facilities | None,
    candidates: Facilities,
    model: TravelModel,
    threshold: float,
    k: int,
    *,
    time_limit: float = 30.0,
    exact: bool | None = None,
    function: str | Iterable[str] | None = None,
    on: dt.date | None = None,
    target_gap: float = 0.0,
) -> Recommendation:
    """Where to add up to ``k`` of ``candidates`` so that the most weight lies within
    ``threshold`` (km or minutes, inclusive) of a place, ``existing`` places kept.

    Candidates are any facilities: commune centroids (:meth:`DemandPoints.as_candidates`)
    or shareable places of given kinds (``places.of_kind("hotel", "school", ...)``).
    Only the ``existing`` places offering ``function`` (a slug or a family's slugs) and
    open ``on`` that day count, when given. ``target_gap`` (e.g. 0.01): on instances too
    large for the exact search, stop as soon as the certified gap is at most this.
    See the module doc for the method and the gap."""
    t0 = time.perf_counter()
    if existing is not None:
        existing = select_facilities(existing, function, on)
    inst = build_instance(demand, existing, candidates, model, threshold)
    # a margin for what follows the search, so that the whole call keeps to the limit
    budget = 0.98 * time_limit - (time.perf_counter() - t0)
    sel, val, ub, proven, method, stats = solve_instance(
        inst, k, time_limit=max(0.05, budget), exact=exact, target_gap=target_gap
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
        }


def set_cover(
    demand: DemandPoints,
    existing: Facilities | None,
    candidates: Facilities,
    model: TravelModel,
    threshold: float,
    target_share: float,
    *,
    time_limit: float = 30.0,
    exact: bool | None = None,
    function: str | Iterable[str] | None = None,
    on: dt.date | None = None,
) -> SetCoverResult:
    """The fewest ``candidates`` to add, ``existing`` places kept, so that at least
    ``target_share`` (0..1) of the weight lies within ``threshold``.

    Greedy gives a feasible count; a bisection on k with :func:`solve_instance` then
    lowers it: k is enough when the best k sites reach the target, not enough when a
    proven upper bound falls short. The answer states the proven lower bound.
    ``function``, ``on``: which existing places count, as in :func:`recommend`."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
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
    while hi - lo > 1 and time.perf_counter() < deadline:
        mid = (lo + hi) // 2
        remaining = deadline - time.perf_counter()
        s, v, ub, proven, m, _st = solve_instance(inst, mid, time_limit=remaining, exact=exact)
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
    time_limit: float = 30.0,
) -> MobilePlan:
    """Where a mobile unit should stop, per weekday, to reach the most people not yet
    within ``threshold`` of a place: the best ``len(weekdays) * stops_per_day`` stops
    (a maximal covering problem, solved as :func:`recommend`), given to the days in
    decreasing order of what they add (the first day gets the stops reaching the most)."""
    k = len(weekdays) * stops_per_day
    rec = recommend(demand, existing, candidates, model, threshold, k, time_limit=time_limit)
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
    "CoverInstance",
    "MobilePlan",
    "Recommendation",
    "SetCoverResult",
    "build_instance",
    "lagrangian_bound",
    "mobile_stops",
    "recommend",
    "set_cover",
    "solve_instance",
]
