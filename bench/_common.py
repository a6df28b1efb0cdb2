"""What every benchmark shares: a memory ceiling, goals that decide the exit status,
and cleaning up what it built.

- :func:`limit_memory`: no benchmark (nor anything it starts: commands, servers,
  reference tools) may take more than 4 GiB of address space (``RLIMIT_AS``, inherited
  by child processes). A reference tool whose instance cannot fit is reported as such
  and not run (:func:`fits`).
- :class:`Goals`: each goal is printed ``[met]`` or ``[NOT MET]``; :meth:`Goals.exit`
  ends the script with status 1 when one is missed, so that ``make bench`` fails.
- :func:`drop_postgres`: the benchmark databases are dropped when the script ends.

Not a benchmark itself: ``make bench`` runs ``bench/[!_]*.py``.
"""

from __future__ import annotations

import resource
import sys
from urllib.parse import urlsplit

#: the ceiling of every benchmark process, in bytes
MEMORY_LIMIT = 4 * 1024**3


def limit_memory(limit: int = MEMORY_LIMIT) -> int:
    """Cap this process's address space (and its children's) at ``limit`` bytes;
    returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def gib(n: float) -> str:
    return f"{n / 1024**3:.1f} GiB"


def fits(needed_bytes: float, limit: int = MEMORY_LIMIT) -> bool:
    """Whether a tool needing about ``needed_bytes`` can run under the ceiling (with a
    margin for the interpreter and the inputs already in memory)."""
    return needed_bytes <= 0.6 * limit


def not_run(tool: str, needed_bytes: float, limit: int = MEMORY_LIMIT) -> str:
    return (
        f"{tool}: not run, it needs about {gib(needed_bytes)} of memory for this instance, "
        f"beyond the {gib(limit)} ceiling of the benchmarks"
    )


class Goals:
    """The goals of a benchmark: printed, and the exit status."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.items: list[tuple[str, bool]] = []

    def add(self, label: str, met: bool) -> bool:
        self.items.append((label, bool(met)))
        return bool(met)

    @property
    def all_met(self) -> bool:
        return all(met for _label, met in self.items)

    def report(self) -> None:
        print()
        print(self.title)
        print("-" * len(self.title))
        for label, met in self.items:
            print(f"  [{'met' if met else 'NOT MET'}] {label}")

    def exit(self) -> None:
        """Print the goals and end the script: status 1 when one is not met."""
        self.report()
        sys.stdout.flush()
        if not self.all_met:
            print(
                f"{sum(not m for _l, m in self.items)} goal(s) not met: exit status 1.",
                file=sys.stderr,
            )
            sys.exit(1)


def open_data_departements(open_data) -> list[str]:
    """Every département of the open data: those with a boundary file, and those the COG
    list holds without one overseas (Saint-Martin, 978...), which the importer reads
    from the COG alone, so that every France Services has its commune."""
    import json
    from pathlib import Path

    folder = Path(open_data)
    codes = {p.name.split("-")[1] for p in (folder / "communes-geojson").glob("communes-*.geojson")}
    cog = folder / "communes-population-cog.json"
    if cog.exists():
        # overseas codes only: the importer reads a COG-only list for those (opendata.sources)
        codes |= {
            c["departement"]
            for c in json.loads(cog.read_text())
            if str(c.get("departement", "")).startswith("97")
        }
    return sorted(codes)


def drop_postgres(url: str) -> None:
    """Drop the benchmark database of ``url`` (its name must contain "bench")."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        return
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as exc:  # the figures are printed already: say it, do not fail
        print(f"could not drop the database {name!r}: {exc}", file=sys.stderr)
