"""Speed of ``maillage coverage`` for the whole of France, from the database to the figures.

    .venv/bin/python bench/coverage_command.py [--runs 5] [--database-url postgres://.../x_bench]
                                               [--data-dir DIR] [--keep] [--reuse]

1. builds a database (SQLite in a temporary folder by default; ``--data-dir`` reuses
   or keeps one; with ``--database-url``, a PostgreSQL database whose name must
   contain "bench": it is dropped and created again) with the project's own
   commands: ``maillage migrate``, ``maillage import-communes --dept …`` for every
   département of the open data (35,357 communes with a boundary) and
   ``maillage import-france-services`` (the 2,845 France Services);
2. times the whole command, a new process each run, wall clock:
   ``maillage coverage --all --threshold 5km --threshold 10km --threshold 20km
   --threshold 30km`` (its French tables written to a file), and
   ``maillage coverage --all --help`` (the floor: Python, Django and the
   libraries starting, no work);
3. times, in this process, the adapter (communes, places) and the computation
   (``maillage.mesh.coverage``) separately, then the whole analysis with its text;
4. prints the figures (share of the population within 5/10/20/30 km of a France
   Services) beside those of ``maillage.mesh`` reading the published files
   directly, and the goals: the command in ≤ 2 s, the same figures.

Every process is capped at 4 GiB; the temporary folder and the PostgreSQL database
are removed at the end (unless ``--keep``, ``--data-dir`` or ``--reuse``); the exit
status is 1 when a goal is not met.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from _common import Goals, drop_postgres, limit_memory

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OPEN_DATA = Path(os.environ.get("MAILLAGE_OPEN_DATA") or REPO.parent / "shared" / "data")
GOAL_S = 2.0
THRESHOLDS = ["--threshold", "5km", "--threshold", "10km", "--threshold", "20km"]
THRESHOLDS += ["--threshold", "30km"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fresh_postgres(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def maillage(env: dict, *args: str, out=subprocess.DEVNULL) -> float:
    t = time.perf_counter()
    subprocess.run([str(VENV_BIN / "maillage"), *args], env=env, check=True, stdout=out)
    return time.perf_counter() - t


def build(env: dict) -> dict:
    deps = sorted(
        p.name.split("-")[1] for p in (OPEN_DATA / "communes-geojson").glob("communes-*.geojson")
    )
    facts = {"departements": len(deps)}
    facts["migrate_s"] = maillage(env, "migrate", "--noinput", "-v0")
    dept_args = [a for d in deps for a in ("--dept", d)]
    facts["communes_s"] = maillage(env, "import-communes", "-v0", *dept_args)
    facts["france_services_s"] = maillage(env, "import-france-services", "--all-france", "-v0")
    return facts


def is_built(env: dict) -> bool:
    code = (
        "import django; django.setup();"
        "from maillage.territory.models import Commune;"
        "from maillage.places.models import Place;"
        "print(Commune.objects.count(), Place.objects.filter(type='france-services').count())"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    try:
        communes, fs = map(int, r.stdout.split())
    except ValueError:
        return False
    return communes >= 35_000 and fs >= 2_800


def summarise(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, "
        f"max {max(times):.3f} s ({len(times)} runs)"
    )


def in_process(runs: int) -> dict:
    import django

    django.setup()
    from maillage import mesh
    from maillage.analysis import adapter, output, services

    query = services.make_query(departements=None, thresholds=["5km", "10km", "20km", "30km"])
    out: dict[str, list[float]] = {"territory": [], "places": [], "coverage": [], "whole": []}
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        terr = adapter.load_territory(None)
        t1 = time.perf_counter()
        places = adapter.load_places(None)
        t2 = time.perf_counter()
        result = mesh.coverage(terr.demand, places.facilities, query.model, query.all_thresholds)
        t3 = time.perf_counter()
        a = services.analyse(query)
        text = output.coverage_text(a, 200)
        t4 = time.perf_counter()
        out["territory"].append(t1 - t0)
        out["places"].append(t2 - t1)
        out["coverage"].append(t3 - t2)
        out["whole"].append(t4 - t3)
    assert result is not None and text
    return {"times": out, "result": result, "communes": len(terr), "places": len(places)}


def reference():
    from maillage import mesh
    from maillage.mesh.opendata import load_communes, load_france_services

    communes = load_communes(OPEN_DATA).points
    fs = load_france_services(OPEN_DATA / "france-services-2024-08-01.csv")
    return mesh.coverage(communes, fs, mesh.StraightLine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="", help="PostgreSQL (name must contain 'bench')")
    parser.add_argument("--data-dir", default="", help="keep or reuse the SQLite database here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: keep the database if already built"
    )
    args = parser.parse_args()
    limit_memory()

    tmp = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="maillage-cov-"))
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        MAILLAGE_DATA_DIR=str(tmp),
        MAILLAGE_OPEN_DATA=str(OPEN_DATA),
        DJANGO_SETTINGS_MODULE="maillage.config.settings.dev",
        DJANGO_DEBUG="0",
        PYTHONHASHSEED="0",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    os.environ.update(env)
    if args.database_url and not args.reuse:
        fresh_postgres(args.database_url)

    try:
        if is_built(env):
            log(f"Database already built ({'PostgreSQL' if args.database_url else tmp}).")
            facts = {}
        else:
            log("Building the national database (communes, France Services)…")
            facts = build(env)
            log(
                f"  migrate {facts['migrate_s']:.1f} s, communes {facts['communes_s']:.1f} s, "
                f"France Services {facts['france_services_s']:.1f} s"
            )
        cmd = ["coverage", "--all", *THRESHOLDS, "--out", str(tmp / "coverage.txt")]
        maillage(env, *cmd)  # warm the OS caches once
        wall = [maillage(env, *cmd) for _ in range(args.runs)]
        floor = [maillage(env, "coverage", "--help") for _ in range(args.runs)]
        csv_wall = maillage(env, *cmd[:-2], "--format", "csv", "--out", str(tmp / "c.csv"))
        inproc = in_process(args.runs)
        ref = reference()
    finally:
        if not args.keep and not args.data_dir:
            shutil.rmtree(tmp, ignore_errors=True)
        if args.database_url and not (args.keep or args.reuse):
            drop_postgres(args.database_url)

    r = inproc["result"]
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"maillage coverage --all, the whole of France ({engine})")
    print(f"  communes: {inproc['communes']:,}, places: {inproc['places']:,}")
    print(f"  command, wall clock, new process:  {summarise(wall)}")
    print(f"  same with --format csv (1 run):    {csv_wall:.3f} s")
    print(f"  floor (coverage --help):           {summarise(floor)}")
    t = inproc["times"]
    print("  in process:")
    print(f"    adapter, communes:  {summarise(t['territory'])}")
    print(f"    adapter, places:    {summarise(t['places'])}")
    print(f"    mesh.coverage:      {summarise(t['coverage'])}")
    print(f"    analysis and text:  {summarise(t['whole'])}")
    print("  share of the population within (database | published files, maillage.mesh):")
    same = True
    for th in (5.0, 10.0, 20.0, 30.0):
        a, b = r.weight_share[th], ref.weight_share[th]
        same &= r.covered_weight[th] == ref.covered_weight[th]
        print(
            f"    {th:>4g} km: {100 * a:6.2f} % ({r.covered_weight[th]:,.0f})"
            f" | {100 * b:6.2f} % ({ref.covered_weight[th]:,.0f})"
        )
    print(f"  same figures: {'yes' if same else 'NO'}")
    med = statistics.median(wall)
    if facts:
        print(
            f"  (build: migrate {facts['migrate_s']:.1f} s, import-communes "
            f"{facts['communes_s']:.1f} s, import-france-services {facts['france_services_s']:.1f} s)"
        )
    goals = Goals("Goals")
    goals.add(f"maillage coverage --all in ≤ {GOAL_S:g} s (median {med:.2f} s)", med <= GOAL_S)
    goals.add("the same figures as maillage.mesh on the published files", same)
    goals.exit()


if __name__ == "__main__":
    main()
