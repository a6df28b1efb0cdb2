"""Rules of the open-data downloader, against a local HTTP server serving the real files."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from maillage.opendata import (
    DownloadError,
    communes_sources,
    fetch,
    france_services_source,
    resolve,
)
from maillage.opendata.download import read_meta
from maillage.places.importers.france_services import import_france_services
from maillage.places.models import Place
from maillage.territory.importers import import_communes
from maillage.territory.models import Commune


def geo_api_geojson(open_data_dir: Path, departement: str) -> dict:
    """What geo.api.gouv.fr answers for /departements/NN/communes?...&format=geojson&geometry=contour,
    built from the reference files: current communes only, with population and postal codes."""
    boundaries = json.loads(
        next(
            (open_data_dir / "communes-geojson").glob(f"communes-{departement}-*.geojson")
        ).read_text()
    )
    cog = json.loads((open_data_dir / "communes-population-cog.json").read_text())
    current = {
        c["code"]: c
        for c in cog
        if c["type"] == "commune-actuelle" and c["departement"] == departement
    }
    features = []
    for feature in boundaries["features"]:
        entry = current.get(feature["properties"]["code"])
        if entry:
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "nom": entry["nom"],
                        "code": entry["code"],
                        "population": entry["population"],
                        "codesPostaux": entry["codesPostaux"],
                        "centre": {"type": "Point", "coordinates": [3.5, 44.5]},
                    },
                    "geometry": feature["geometry"],
                }
            )
    return {"type": "FeatureCollection", "features": features}


class Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, routes, requests_seen, **kwargs):
        self.routes = routes
        self.requests_seen = requests_seen
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.requests_seen.append(self.path)
        path = urlparse(self.path).path
        if path in self.routes:
            body = self.routes[path]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/truncated.csv":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"id_fs,insee_dep\n1,01\n")
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(open_data_dir):
    requests_seen: list[str] = []
    routes = {
        "/departements/48/communes": json.dumps(geo_api_geojson(open_data_dir, "48")).encode(),
    }
    handler = partial(
        Handler, routes=routes, requests_seen=requests_seen, directory=str(open_data_dir)
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, requests_seen
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def downloading(settings, tmp_path, server):
    """No local folder: the project downloads into DATA_DIR/open-data from the local server."""
    base, _seen = server
    settings.MAILLAGE_OPEN_DATA = ""
    settings.DATA_DIR = tmp_path
    settings.MAILLAGE_FRANCE_SERVICES_URL = f"{base}/france-services-2024-08-01.csv"
    settings.MAILLAGE_GEO_API_COMMUNES_URL = (
        f"{base}/departements/{{code}}/communes"
        "?fields=nom,code,population,codesPostaux,centre&format=geojson&geometry=contour"
    )
    return server


def test_download_lands_in_the_cache_folder_with_the_same_bytes(
    downloading, tmp_path, open_data_dir
):
    path = france_services_source()
    assert path.parent == tmp_path / "open-data"
    assert path.read_bytes() == (open_data_dir / "france-services-2024-08-01.csv").read_bytes()
    meta = read_meta(path)
    assert meta["url"].endswith("/france-services-2024-08-01.csv")
    assert meta["downloaded_at"]


def test_a_second_use_reuses_the_cache_without_a_request(downloading):
    _base, seen = downloading
    first = france_services_source()
    second = france_services_source()
    assert first == second
    assert len(seen) == 1


def test_refresh_downloads_again(downloading):
    _base, seen = downloading
    france_services_source()
    france_services_source(refresh=True)
    assert len(seen) == 2


def test_an_http_error_gives_a_clear_message_naming_the_url(server, tmp_path):
    base, _seen = server
    with pytest.raises(DownloadError) as error:
        fetch(f"{base}/no-such-file.csv", tmp_path / "x.csv")
    message = str(error.value)
    assert f"{base}/no-such-file.csv" in message
    assert "HTTP 404" in message
    assert "MAILLAGE_OPEN_DATA" in message
    assert not (tmp_path / "x.csv").exists()


def test_an_unreachable_server_gives_a_clear_message(tmp_path):
    with pytest.raises(DownloadError, match="Téléchargement impossible de http://127.0.0.1:9/"):
        fetch("http://127.0.0.1:9/x.csv", tmp_path / "x.csv", timeout=2)


def test_an_interrupted_download_leaves_no_file(server, tmp_path):
    base, _seen = server
    with pytest.raises(DownloadError):
        fetch(f"{base}/truncated.csv", tmp_path / "t.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_url_source_is_downloaded_once_into_the_cache(server, settings, tmp_path):
    base, seen = server
    settings.DATA_DIR = tmp_path
    url = f"{base}/communes-geojson/communes-48-lozere.geojson"
    first, second = resolve(url), resolve(url)
    assert first == second and first.parent == tmp_path / "open-data"
    assert len(seen) == 1


@pytest.mark.django_db
def test_communes_are_imported_from_geo_api_when_no_local_folder_is_set(downloading):
    sources = communes_sources("48")
    assert len(sources) == 1 and sources[0].suffix == ".geojson"
    report = import_communes(["48"])
    # geo.api.gouv.fr lists current communes only, each with its population
    assert report.total == Commune.objects.count() == 152
    assert report.population == 76_486
    assert report.without_population == [] and report.without_boundary == []
    mende = Commune.objects.get(code="48095")
    assert mende.postal_codes == ["48000"] and mende.geometry["type"] == "Polygon"


@pytest.mark.django_db
def test_france_services_are_imported_from_the_download_with_the_file_date(downloading):
    report = import_france_services(departements=["48"])
    assert report.created == 20
    assert report.as_of.isoformat() == "2024-08-01"
    assert Place.objects.filter(source="france-services").count() == 20
