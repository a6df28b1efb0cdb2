"""Where official open data comes from.

Either a local folder laid out like the project's reference data
(``settings.MAILLAGE_OPEN_DATA``: ``communes-geojson/``,
``communes-population-cog.json``, ``france-services-*.csv``), or a download
from the official sources, made once into ``DATA_DIR/open-data`` and re-used.
Importers take their source (a path, a URL or a file object) as a parameter;
:mod:`maillage.opendata.sources` says what the default source is.
"""

from .download import DownloadError, cached_download, fetch
from .errors import DataError, Problem
from .sources import (
    cache_dir,
    communes_sources,
    france_services_source,
    local_folder,
    open_binary,
    resolve,
    source_name,
)

__all__ = [
    "DataError",
    "DownloadError",
    "Problem",
    "cache_dir",
    "cached_download",
    "communes_sources",
    "fetch",
    "france_services_source",
    "local_folder",
    "open_binary",
    "resolve",
    "source_name",
]
