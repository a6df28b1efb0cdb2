"""What a write costs the read model, in-process: patching it with one changed place
against rebuilding it from the same records (the reference: what every write cost
before the model was patched).

    .venv/bin/python bench/network_patch.py [--places 33000] [--writes 200]

No database: N generated records (seeded random: names, communes, 1–6 functions,
1 % mobile units with stops) are built into a :class:`maillage.places.network.Network`,
then ``--writes`` times one random place is changed (its summary, every tenth its
name, every twentieth a new place) and the model patched; the full build is timed
three times. Prints p50/p95/max of both, and the goal: p95 of a patch ≤ 50 ms
(the request that follows a write also reads the change log: a few ms more).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.config.settings.test")

import django  # noqa: E402

django.setup()

from maillage.places import network  # noqa: E402

GOAL_MS = 50.0
SLUGS = list(network.FUNCTION_BIT)


def generate(n: int, rng: random.Random) -> dict[int, network.PlaceRec]:
    out = {}
    for pid in range(1, n + 1):
        mobile = rng.random() < 0.01
        commune = f"{rng.randint(1, 95):02d}{rng.randint(1, 500):03d}"
        offers = tuple(
            network.Offer(slug, slug, "f", "i", "") for slug in rng.sample(SLUGS, rng.randint(1, 6))
        )
        stops = tuple(
            network.Stop(
                k, f"48{rng.randint(1, 200):03d}", "X", "", 44.5, 3.5, False, "Mo 09:00-12:00"
            )
            for k in range(3 if mobile else 0)
        )
        out[pid] = network.PlaceRec(
            id=pid,
            slug=f"p{pid}",
            name=f"Lieu {rng.random():.8f}",
            type="tiers-lieu",
            lat=rng.uniform(42, 51),
            lon=rng.uniform(-4, 8),
            is_mobile=mobile,
            hours="Mo-Fr 09:00-17:00",
            commune=commune,
            commune_name="X",
            offers=offers,
            stops=stops,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=33000)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    if not 100 <= args.places <= 200_000 or not 1 <= args.writes <= 10_000:
        sys.exit("--places must be 100..200000, --writes 1..10000")
    rng = random.Random(48)
    records = generate(args.places, rng)
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        net = network.Network(dict(records), 1, "bench")
        builds.append((time.perf_counter() - t0) * 1000)
    patches = []
    next_id = args.places + 1
    for k in range(args.writes):
        if k % 20 == 19:
            pid, rec = next_id, dataclasses.replace(records[1], id=next_id, name=f"Nouveau {k}")
            next_id += 1
        else:
            pid = rng.randint(1, args.places)
            rec = dataclasses.replace(net.get(pid) or records[pid], summary=f"écrit {k}")
            if k % 10 == 9:
                rec = dataclasses.replace(rec, name=f"Renommé {rng.random():.6f}")
        t0 = time.perf_counter()
        net = net.patched({pid: rec}, net.version + 1)
        patches.append((time.perf_counter() - t0) * 1000)

    def q(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]

    print(
        f"Read model of {args.places} places, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    print(f"| {'what':<34} | {'n':>5} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} |")
    print(f"|{'-' * 36}|{'-' * 7}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for label, values in (
        ("patch with one changed place", patches),
        ("full build (reference)", builds),
    ):
        print(
            f"| {label:<34} | {len(values):>5} | {statistics.median(values):>7.1f} | "
            f"{q(values, 95):>7.1f} | {max(values):>7.1f} |"
        )
    ok = q(patches, 95) <= GOAL_MS
    print(
        f"Goal: p95 of a patch ≤ {GOAL_MS:.0f} ms: {'MET' if ok else 'MISSED'} ({q(patches, 95):.1f} ms)"
    )


if __name__ == "__main__":
    main()
