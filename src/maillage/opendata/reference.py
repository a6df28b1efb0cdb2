"""The reference open data set, fetched from its official sources into a local folder.

The tests, the benchmarks and an offline demo read a folder laid out like the
project's ``shared/data`` (``MAILLAGE_OPEN_DATA``). On a machine that has no
such folder, :func:`fetch_reference_data` builds one from the official
sources, once: the same files, byte for byte where the source publishes a
file, under the same names.

| file in the folder | official source |
|---|---|
| ``france-services-2024-08-01.csv`` | the ANCT's list (see :data:`sources.FRANCE_SERVICES_URL`) |
| ``communes-geojson/communes-NN-name.geojson`` | the france-geojson project (IGN Admin Express COG 2018), one per département |
| ``departement-NN-name.geojson`` | the same project, the département's outline |
| ``communes-population-cog.json`` | ``data/communes.json`` of the npm package ``@etalab/decoupage-administratif`` 6.0.0 |
| ``standards/mediation-numerique-*-1.0.2.*`` | the « lieux de médiation numérique » standard 1.0.2, as published on schema.data.gouv.fr |

``mirror`` fetches every file from ``{mirror}/{name in the folder}`` instead: a
territory's own copy, or a test's local server.
"""

from __future__ import annotations

import fcntl
import io
import os
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from maillage.core.departements import NAMES, slug

from .download import DownloadError, fetch

FRANCE_GEOJSON = (
    "https://raw.githubusercontent.com/gregoiredavid/france-geojson/v2.1.1/departements"
)
DECOUPAGE_ADMINISTRATIF_TGZ = (
    "https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-6.0.0.tgz"
)
MEDIATION_NUMERIQUE = "https://schema.data.gouv.fr/schemas/LaMednum/standard-mediation-num/1.0.2"
#: Written last: a folder holding it is complete.
COMPLETE_MARK = ".complete"


@dataclass(frozen=True)
class ReferenceFile:
    name: str  # path inside the folder, with '/'
    url: str  # official address
    member: str = ""  # for an archive: the file inside it


def reference_files(departements: list[str] | None = None) -> list[ReferenceFile]:
    """Every file of the reference folder and where it officially comes from.

    ``departements``: the communes' boundaries to fetch (default all of France, as in
    ``shared/data``); Lozère's outline is always included.
    """
    from .sources import FRANCE_SERVICES_URL

    codes = list(NAMES) if departements is None else departements
    files = [
        ReferenceFile("france-services-2024-08-01.csv", FRANCE_SERVICES_URL),
        ReferenceFile(
            "communes-population-cog.json",
            DECOUPAGE_ADMINISTRATIF_TGZ,
            member="package/data/communes.json",
        ),
        ReferenceFile(
            "departement-48-lozere.geojson",
            f"{FRANCE_GEOJSON}/48-lozere/departement-48-lozere.geojson",
        ),
        ReferenceFile(
            "standards/mediation-numerique-schema-1.0.2.json", f"{MEDIATION_NUMERIQUE}/schema.json"
        ),
        ReferenceFile(
            "standards/mediation-numerique-exemple-valide-1.0.2.csv",
            f"{MEDIATION_NUMERIQUE}/exemple-valide.csv",
        ),
    ]
    for code in codes:
        name = slug(code)
        files.append(
            ReferenceFile(
                f"communes-geojson/communes-{name}.geojson",
                f"{FRANCE_GEOJSON}/{name}/communes-{name}.geojson",
            )
        )
    return files


def is_complete(folder: Path) -> bool:
    return (Path(folder) / COMPLETE_MARK).exists()


def fetch_reference_data(
    folder: Path,
    *,
    mirror: str = "",
    departements: list[str] | None = None,
    progress: bool | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Path:
    """Fill ``folder`` with the reference data set, downloading what is missing; return it.

    Safe to call from several processes at once (a lock file: one downloads, the
    others wait and find the files there). Each file is written atomically, so an
    interrupted run resumes where it stopped.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_complete(folder):
            return folder
        files = reference_files(departements)
        for number, item in enumerate(files, 1):
            dest = folder / item.name
            if dest.exists():
                continue
            say(f"[{number}/{len(files)}] {item.name}")
            if mirror:
                fetch(f"{mirror.rstrip('/')}/{item.name}", dest, progress=progress)
            elif item.member:
                _fetch_member(item, dest, progress=progress)
            else:
                fetch(item.url, dest, progress=progress)
            # the download's bookkeeping is the cache's, not the folder's
            dest.with_name(dest.name + ".meta.json").unlink(missing_ok=True)
        (folder / COMPLETE_MARK).write_text("\n".join(f.url for f in files) + "\n")
    return folder


def _fetch_member(item: ReferenceFile, dest: Path, *, progress: bool | None) -> None:
    """Download an archive and keep one file of it (atomically)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = fetch(item.url, Path(tmp) / "archive.tgz", progress=progress)
        with tarfile.open(archive) as tar:
            try:
                data = tar.extractfile(item.member)
            except KeyError:
                data = None
            if data is None:
                raise DownloadError(
                    _("%(url)s : le fichier %(member)s manque dans l'archive.")
                    % {"url": item.url, "member": item.member}
                )
            fd, part = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
            with os.fdopen(fd, "wb") as out:
                out.write(io.BufferedReader(data).read())
            os.replace(part, dest)
