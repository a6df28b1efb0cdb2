"""Speed of the orientation engine (``maillage.journeys``), the ten personas on the demo.

    .venv/bin/python bench/orientation.py [--rounds 50] [--data-dir DIR] [--scale 20]

1. builds a SQLite database in a temporary folder (``--data-dir`` reuses or keeps
   one) with the project's own commands: ``maillage migrate``, ``maillage load-demo``,
   ``maillage load-demo-journeys``;
2. times, in this process, over every persona and ``--rounds`` rounds:
   the engine alone (``engine.orient`` on the loaded places), the places read from
   the database (``snapshot.load_places``), and the whole request path
   (``services.orientation``: read + engine);
3. times the engine at a larger scale: the demo's places copied ``--scale`` times,
   each copy moved by a few kilometres (about 1,000 places: more than a
   département's shared places);
4. prints p50 and p95 in milliseconds beside the goal (≤ 50 ms).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from _common import Goals, limit_memory

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OPEN_DATA = Path(os.environ.get("MAILLAGE_OPEN_DATA") or REPO.parent / "shared" / "data")
GOAL_MS = 50.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quantiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--data-dir", help="reuse or keep the database in this folder")
    args = parser.parse_args()

    limit_memory()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="maillage-bench-orientation-"))
    try:
        run(args, data_dir)
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(args, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(data_dir),
        "MAILLAGE_OPEN_DATA": str(OPEN_DATA),
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings.dev",
    }
    env.pop("DATABASE_URL", None)
    if not (data_dir / "maillage.sqlite3").exists() or not args.data_dir:
        for command in (["migrate", "--noinput"], ["load-demo"], ["load-demo-journeys"]):
            log(f"maillage {' '.join(command)}")
            subprocess.run(
                [str(VENV_BIN / "maillage"), *command], env=env, check=True, capture_output=True
            )
    os.environ.update(env)
    import django

    django.setup()
    from maillage.journeys import engine, services, snapshot
    from maillage.journeys.personas import PERSONAS

    places = snapshot.load_places()
    queries = [p.query for p in PERSONAS.values()]

    def each(fn):
        """Time each persona's query on its own: the samples are per query."""

        def run(rounds):
            return [ms for _ in range(rounds) for q in queries for ms in timed(partial(fn, q), 1)]

        return run

    rng = random.Random(48)
    big = []
    for copy in range(args.scale):
        for p in places:
            if p.lat is None:
                continue
            big.append(
                dataclasses.replace(
                    p,
                    id=p.id + 100_000 * (copy + 1),
                    lat=p.lat + rng.uniform(-0.15, 0.15),
                    lon=p.lon + rng.uniform(-0.2, 0.2),
                )
            )
    big += places
    for fn in (each(lambda q: engine.orient(q, places)), each(services.orientation)):
        fn(1)  # warm up: parsed hours are cached
    figures = [
        ("engine, demo places", len(places), each(lambda q: engine.orient(q, places))),
        (
            "places read from the database",
            len(places),
            lambda rounds: timed(snapshot.load_places, rounds),
        ),
        ("request path (read + engine)", len(places), each(services.orientation)),
        (f"engine, demo x{args.scale + 1}", len(big), each(lambda q: engine.orient(q, big))),
    ]
    print(f"Orientation, {len(queries)} personas, {args.rounds} rounds (ms per query)")
    goals = Goals(f"Goal: p95 <= {GOAL_MS:.0f} ms per query at département scale")
    for label, n, fn in figures:
        samples = fn(args.rounds)
        p50, p95 = quantiles(samples)
        ok = "ok" if p95 <= GOAL_MS else "OVER GOAL"
        print(f"  {label:<34} {n:>5} places  p50 {p50:7.2f}  p95 {p95:7.2f}  ({ok})")
        goals.add(f"{label}: p95 {p95:.2f} ms", p95 <= GOAL_MS)
    goals.exit()


if __name__ == "__main__":
    main()
