"""Download a file once, atomically, with a progress bar, and keep it in a cache.

The file is written to a temporary name in the destination's folder, then
renamed: an interrupted download never leaves a half file where a complete one
is expected. A small ``.meta.json`` beside it records the URL, the date of the
download and the server's ``Last-Modified``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import requests
from django.utils.translation import gettext as _
from tqdm import tqdm

from maillage.core import clock

USER_AGENT = "Maillage/0.1 (open-source platform of shared places; +https://github.com/)"
CHUNK = 64 * 1024


class DownloadError(RuntimeError):
    """A download failed; the message says which URL and why, and what to do."""


def bar_disabled(progress: bool | None) -> bool | None:
    """tqdm's ``disable`` for ``progress``: True hides, None shows only on a terminal."""
    return None if progress is None else not progress


def cache_name(url: str, stem: str, suffix: str) -> str:
    """A file name for ``url`` in the cache: readable stem, short hash of the URL."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "download"
    return f"{stem}-{digest}{suffix}"


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def read_meta(path: Path) -> dict:
    try:
        return json.loads(meta_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def fetch(url: str, dest: Path, *, progress: bool | None = None, timeout: float = 60) -> Path:
    """Download ``url`` to ``dest`` (atomically) and return ``dest``.

    ``progress``: show a tqdm bar (None: only on a terminal).
    Raises :class:`DownloadError` with a clear message on any HTTP or network error.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        response = requests.get(
            url, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT}
        )
    except requests.RequestException as exc:
        raise DownloadError(
            _(
                "Téléchargement impossible de %(url)s : %(error)s. Vérifiez la connexion, ou "
                "indiquez un dossier local de données ouvertes (MAILLAGE_OPEN_DATA)."
            )
            % {"url": url, "error": exc}
        ) from exc
    with response:
        if response.status_code >= 400:
            raise DownloadError(
                _(
                    "Téléchargement impossible de %(url)s : le serveur a répondu HTTP %(status)s "
                    "%(reason)s. Vérifiez l'adresse, ou indiquez un dossier local de données "
                    "ouvertes (MAILLAGE_OPEN_DATA)."
                )
                % {"url": url, "status": response.status_code, "reason": response.reason or ""}
            )
        total = int(response.headers.get("Content-Length") or 0) or None
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        try:
            with (
                os.fdopen(fd, "wb") as out,
                tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc=dest.name,
                    disable=bar_disabled(progress),
                    leave=False,
                ) as bar,
            ):
                for chunk in response.iter_content(CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
            os.replace(tmp_name, dest)
        except requests.RequestException as exc:
            raise DownloadError(
                _("Téléchargement interrompu de %(url)s : %(error)s.") % {"url": url, "error": exc}
            ) from exc
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        meta = {
            "url": url,
            "downloaded_at": clock.now().isoformat(timespec="seconds"),
            "last_modified": response.headers.get("Last-Modified", ""),
            "etag": response.headers.get("ETag", ""),
        }
    meta_path(dest).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return dest


def cached_download(
    url: str,
    folder: Path,
    *,
    stem: str,
    suffix: str,
    refresh: bool = False,
    progress: bool | None = None,
) -> Path:
    """The cached copy of ``url`` in ``folder``, downloaded the first time (or on ``refresh``)."""
    dest = Path(folder) / cache_name(url, stem, suffix)
    if dest.exists() and not refresh:
        return dest
    return fetch(url, dest, progress=progress)
