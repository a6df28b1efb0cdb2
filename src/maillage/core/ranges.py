"""Serving a file by byte ranges (RFC 9110 §14), as PMTiles clients read archives.

A PMTiles reader asks for the header, then a directory, then each tile, each
with one ``Range: bytes=START-END`` request; a plain HTTP server is enough.
Django answers whole files only, so this is the small part it lacks: one range
per request (what the clients send), 416 for a range outside the file, an ETag
from the file's size and modification time (304 when it still matches), and
caching headers. Multi-range requests get the whole file (allowed by the RFC).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.http import quote_etag

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag(path: Path) -> str:
    stat = path.stat()
    return quote_etag(f"{stat.st_size:x}-{int(stat.st_mtime_ns):x}")


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """``(start, end)`` inclusive; ``None`` for no usable range (send it all); ``False``
    for a range that lies outside the file (416)."""
    match = RANGE.match(header.strip()) if header else None
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def file_range_response(
    request, path: Path, content_type: str, max_age: int = 3600
) -> HttpResponse:
    path = Path(path)
    size = path.stat().st_size
    etag = _etag(path)
    cache = f"public, max-age={max_age}"
    if etag in (request.headers.get("If-None-Match") or ""):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = cache
        return response
    wanted = parse_range(request.headers.get("Range", ""), size)
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag:
        wanted = None  # the file changed since the client's copy: send it all
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(open(path, "rb"), content_type=content_type)
    else:
        start, end = wanted
        with open(path, "rb") as archive:
            archive.seek(start)
            body = archive.read(end - start + 1)
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = cache
    return response
