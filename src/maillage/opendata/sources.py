"""The default sources of each open dataset, and opening any source.

A source is a path, a URL (downloaded once into the cache) or an open file.
With ``settings.MAILLAGE_OPEN_DATA`` set, the defaults are files of that local
folder (laid out like the project's reference data); without it, they are
downloaded from the official sources:

- communes with their boundaries: geo.api.gouv.fr, one request per département
  (``settings.MAILLAGE_GEO_API_COMMUNES_URL``);
- France Services: the ANCT's list, as published on data.gouv.fr
  (``settings.MAILLAGE_FRANCE_SERVICES_URL``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import IO, BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .download import cached_download
from .errors import DataError

#: geo.api.gouv.fr: the communes of a département, with their contour, as GeoJSON.
GEO_API_COMMUNES_URL = (
    "https://geo.api.gouv.fr/departements/{code}/communes"
    "?fields=nom,code,population,codesPostaux,centre&format=geojson&geometry=contour"
)
#: The ANCT's "Liste des structures France services" (data.gouv.fr dataset
#: liste-des-structures-france-services), the 2024-08-01 edition as the ANCT
#: published it in its public map repository, pinned to a commit so that the
#: format the importer reads never changes under it. Point the setting at a
#: newer edition (same columns) to refresh.
FRANCE_SERVICES_URL = (
    "https://raw.githubusercontent.com/anct-carto/france_services/"
    "e1016fd717a8c9cc53406621959c837fb74fc0c9/data/liste-fs-20240801.csv"
)

Source = str | Path | IO


def local_folder() -> Path | None:
    """``settings.MAILLAGE_OPEN_DATA`` as a folder, or None when not set."""
    value = getattr(settings, "MAILLAGE_OPEN_DATA", "") or ""
    if not value:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise ImproperlyConfigured(
            _("MAILLAGE_OPEN_DATA vaut « %(path)s », qui n'est pas un dossier.") % {"path": value}
        )
    return folder


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "open-data"


def is_url(source) -> bool:
    return isinstance(source, str) and re.match(r"^https?://", source) is not None


def communes_sources(departement: str, *, refresh: bool = False, progress=None) -> list[Path]:
    """Where the communes of ``departement`` come from by default.

    Local folder: ``communes-geojson/communes-{code}-*.geojson`` (boundaries)
    and ``communes-population-cog.json`` (populations and postal codes); an overseas
    code without boundary file (978, Saint-Martin) reads the COG list alone.
    Otherwise: geo.api.gouv.fr's GeoJSON for the département (both in one file).
    """
    folder = local_folder()
    if folder is not None:
        boundaries = sorted((folder / "communes-geojson").glob(f"communes-{departement}-*.geojson"))
        populations = folder / "communes-population-cog.json"
        if not boundaries and departement.startswith("97") and populations.exists():
            # an overseas collectivity without boundary file (Saint-Martin, 978): its
            # communes from the COG alone, imported without boundary (and reported)
            return [populations]
        if not boundaries:
            raise DataError.single(
                str(folder / "communes-geojson"),
                None,
                None,
                _("aucun fichier communes-%(code)s-*.geojson pour le département %(code)s.")
                % {"code": departement},
            )
        return [boundaries[0], *([populations] if populations.exists() else [])]
    template = getattr(settings, "MAILLAGE_GEO_API_COMMUNES_URL", "") or GEO_API_COMMUNES_URL
    url = template.format(code=departement)
    return [
        cached_download(
            url,
            cache_dir(),
            stem=f"communes-{departement}-geo-api",
            suffix=".geojson",
            refresh=refresh,
            progress=progress,
        )
    ]


def france_services_source(*, refresh: bool = False, progress=None) -> Path:
    """The France Services CSV: the newest ``france-services-*.csv`` of the local
    folder, else the cached download of ``settings.MAILLAGE_FRANCE_SERVICES_URL``."""
    folder = local_folder()
    if folder is not None:
        files = sorted(folder.glob("france-services-*.csv"))
        if not files:
            raise DataError.single(
                str(folder), None, None, _("aucun fichier france-services-*.csv dans ce dossier.")
            )
        return files[-1]
    url = getattr(settings, "MAILLAGE_FRANCE_SERVICES_URL", "") or FRANCE_SERVICES_URL
    return cached_download(
        url, cache_dir(), stem="france-services", suffix=".csv", refresh=refresh, progress=progress
    )


def resolve(source: Source, *, suffix: str = "", refresh: bool = False, progress=None):
    """A path for a path or URL (downloaded into the cache), the object itself for a file."""
    if hasattr(source, "read"):
        return source
    if is_url(source):
        stem = Path(source.split("?")[0]).stem or "download"
        return cached_download(
            source,
            cache_dir(),
            stem=stem,
            suffix=suffix or Path(source.split("?")[0]).suffix,
            refresh=refresh,
            progress=progress,
        )
    path = Path(source).expanduser()
    if not path.is_file():
        raise DataError.single(str(path), None, None, _("fichier introuvable."))
    return path


def source_name(source) -> str:
    """How messages name a source: its path, URL or file name."""
    if isinstance(source, str | Path):
        return str(source)
    return str(getattr(source, "name", "") or _("(fichier fourni)"))


def open_binary(source: Source, **kwargs) -> tuple[BinaryIO, str]:
    """Open ``source`` for reading bytes; returns (file, name). The caller closes the file
    unless ``source`` was a file object (which is wrapped, not closed)."""
    resolved = resolve(source, **kwargs)
    if hasattr(resolved, "read"):
        data = resolved.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return io.BytesIO(data), source_name(source)
    return open(resolved, "rb"), str(resolved if not is_url(source) else source)
