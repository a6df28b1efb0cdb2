"""The base map: `maillage build-tiles` writes a PMTiles archive of the communes,
and the site serves it by byte ranges, as the browser's PMTiles reader asks."""

from __future__ import annotations

import gzip
import io

import mapbox_vector_tile
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pmtiles.reader import MmapSource, Reader

from maillage.core.ranges import parse_range

pytestmark = pytest.mark.django_db


def tile_xy(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    import math

    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture
def archive(demo, settings, tmp_path):
    path = tmp_path / "territory.pmtiles"
    settings.MAILLAGE_TERRITORY_TILES_PATH = path
    call_command("build_tiles", "--min-zoom", "7", "--max-zoom", "11", stdout=io.StringIO())
    return path


def read_tile(path, z, x, y) -> dict:
    with open(path, "rb") as f:
        data = Reader(MmapSource(f)).get(z, x, y)
    assert data is not None, f"no tile {z}/{x}/{y}"
    return mapbox_vector_tile.decode(gzip.decompress(data))


def test_build_tiles_writes_communes_names_and_the_outline(archive):
    with open(archive, "rb") as f:
        reader = Reader(MmapSource(f))
        header, metadata = reader.header(), reader.metadata()
    assert (header["min_zoom"], header["max_zoom"]) == (7, 11)
    assert {layer["id"] for layer in metadata["vector_layers"]} == {
        "communes",
        "commune_labels",
        "departement",
    }
    x, y = tile_xy(44.5181, 3.5008, 11)  # Mende
    layers = read_tile(archive, 11, x, y)
    names = {f["properties"]["name"] for f in layers["communes"]["features"]}
    assert "Mende" in names
    assert "Mende" in {f["properties"]["name"] for f in layers["commune_labels"]["features"]}
    assert layers["departement"]["features"]  # the territory's edge runs near Mende's square


def test_small_villages_are_named_only_when_zoomed_in(archive):
    # Villefort (600 inhabitants in the demo) is named at zoom 9, not at zoom 8
    for zoom, shown in ((8, False), (9, True)):
        x, y = tile_xy(44.4393, 3.9320, zoom)
        labels = read_tile(archive, zoom, x, y).get("commune_labels", {"features": []})
        assert ("Villefort" in {f["properties"]["name"] for f in labels["features"]}) is shown


def test_build_tiles_without_communes_says_what_to_do(db, settings, tmp_path):
    settings.MAILLAGE_TERRITORY_TILES_PATH = tmp_path / "t.pmtiles"
    with pytest.raises(CommandError, match="import-communes"):
        call_command("build_tiles")
    assert not (tmp_path / "t.pmtiles").exists()


def test_the_archive_is_served_by_ranges(client, archive):
    size = archive.stat().st_size
    whole = archive.read_bytes()
    head = client.get("/tuiles/territoire.pmtiles", HTTP_RANGE="bytes=0-126")
    assert head.status_code == 206
    assert head.content == whole[:127]
    assert head["Content-Range"] == f"bytes 0-126/{size}"
    assert head["Accept-Ranges"] == "bytes"
    assert head["Cache-Control"].startswith("public, max-age=")
    assert "Content-Encoding" not in head  # a range is never recompressed
    # the tiles' data, from its offset to the end
    with open(archive, "rb") as f:
        reader = Reader(MmapSource(f))
        header = reader.header()
    tail = client.get(
        "/tuiles/territoire.pmtiles", HTTP_RANGE=f"bytes={header['tile_data_offset']}-"
    )
    assert tail.status_code == 206
    assert tail.content == whole[header["tile_data_offset"] :]
    # unchanged: 304; outside the file: 416; the whole file without a range
    again = client.get("/tuiles/territoire.pmtiles", HTTP_IF_NONE_MATCH=head["ETag"])
    assert again.status_code == 304
    assert client.get("/tuiles/territoire.pmtiles", HTTP_RANGE=f"bytes={size}-").status_code == 416
    full = client.get("/tuiles/territoire.pmtiles")
    assert full.status_code == 200
    assert b"".join(full.streaming_content) == whole


def test_an_archive_that_is_not_there_is_a_404(client, db, settings, tmp_path):
    settings.MAILLAGE_TERRITORY_TILES_PATH = tmp_path / "missing.pmtiles"
    settings.MAILLAGE_TILES_PATH = ""
    assert client.get("/tuiles/territoire.pmtiles").status_code == 404
    assert client.get("/tuiles/osm.pmtiles").status_code == 404
    assert client.get("/tuiles/autre.pmtiles").status_code == 404
    assert client.post("/tuiles/territoire.pmtiles").status_code in (403, 405)


def test_an_openstreetmap_extract_is_served_beside_it(client, archive, settings, tmp_path):
    extract = tmp_path / "lozere-osm.pmtiles"
    extract.write_bytes(archive.read_bytes())  # any archive in the same format
    settings.MAILLAGE_TILES_PATH = str(extract)
    assert client.get("/tuiles/osm.pmtiles", HTTP_RANGE="bytes=0-6").content == b"PMTiles"
    from .htmlscan import page_of

    map_div = page_of(client.get("/")).find_all("div", id="map")[0]
    assert map_div["data-osm-tiles"] == "/tuiles/osm.pmtiles"
    assert "OpenStreetMap" in map_div["data-osm-attribution"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=90-", (90, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=95-200", (95, 99)),
        ("bytes=100-", False),
        ("bytes=-0", False),
        ("bytes=5-2", False),
        ("bytes=0-1,5-6", None),  # several ranges: the whole file
        ("items=0-1", None),
        ("", None),
    ],
)
def test_ranges_are_read_as_the_rfc_says(header, expected):
    assert parse_range(header, 100) == expected


def test_pages_and_json_are_compressed_for_slow_links(client, demo):
    page = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert page["Content-Encoding"] == "gzip"
    assert len(page.content) < len(gzip.decompress(page.content)) / 4
    api = client.get("/api/places/", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    assert b"<html" in plain.content
