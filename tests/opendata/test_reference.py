"""A fresh machine without a local copy builds the reference folder from the official sources.

The official hosts are not reachable from the tests: a local HTTP server stands
for them, serving the real files, as a mirror laid out like the folder, and as
the npm registry's tarball for the populations.
"""

from __future__ import annotations

import io
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.core.departements import NAMES
from maillage.opendata import DownloadError
from maillage.opendata.reference import (
    ReferenceFile,
    _fetch_member,
    fetch_reference_data,
    is_complete,
    reference_files,
)


class CountingHandler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def serve(tmp_path):
    """serve(folder) -> base URL of a loopback HTTP server publishing ``folder``."""
    servers = []

    def start(folder: Path) -> str:
        CountingHandler.requests = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=folder))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_every_departement_and_every_file_the_tests_read_has_an_official_source():
    names = {f.name for f in reference_files()}
    assert len([n for n in names if n.startswith("communes-geojson/")]) == len(NAMES) == 101
    assert "communes-geojson/communes-48-lozere.geojson" in names
    assert "communes-geojson/communes-2A-corse-du-sud.geojson" in names
    for needed in (
        "france-services-2024-08-01.csv",
        "communes-population-cog.json",
        "departement-48-lozere.geojson",
        "standards/mediation-numerique-schema-1.0.2.json",
        "standards/mediation-numerique-exemple-valide-1.0.2.csv",
    ):
        assert needed in names
    assert all(f.url.startswith("https://") for f in reference_files())


def test_the_folder_is_built_once_byte_for_byte_from_a_mirror(open_data_dir, serve, tmp_path):
    mirror = serve(open_data_dir)
    folder = tmp_path / "reference"
    fetch_reference_data(folder, mirror=mirror, departements=["48", "23"])
    assert is_complete(folder)
    for item in reference_files(["48", "23"]):
        assert (folder / item.name).read_bytes() == (open_data_dir / item.name).read_bytes()
    assert not list(folder.rglob("*.meta.json")) and not list(folder.rglob("*.part"))
    sent = len(CountingHandler.requests)
    assert sent == len(reference_files(["48", "23"]))
    fetch_reference_data(folder, mirror=mirror, departements=["48", "23"])
    assert len(CountingHandler.requests) == sent  # a complete folder asks nothing more


def test_an_interrupted_fetch_resumes_and_says_which_file_failed(open_data_dir, serve, tmp_path):
    partial_copy = tmp_path / "mirror"
    (partial_copy / "communes-geojson").mkdir(parents=True)
    for name in ("france-services-2024-08-01.csv", "communes-population-cog.json"):
        (partial_copy / name).write_bytes((open_data_dir / name).read_bytes())
    mirror = serve(partial_copy)
    folder = tmp_path / "reference"
    with pytest.raises(DownloadError, match="departement-48-lozere.geojson.*404"):
        fetch_reference_data(folder, mirror=mirror, departements=["48"])
    assert not is_complete(folder)
    assert (folder / "france-services-2024-08-01.csv").exists()  # kept for the next run
    mirror = serve(open_data_dir)
    fetch_reference_data(folder, mirror=mirror, departements=["48"])
    assert is_complete(folder)
    assert "/france-services-2024-08-01.csv" not in CountingHandler.requests


def test_populations_are_taken_out_of_the_npm_package(open_data_dir, serve, tmp_path):
    published = tmp_path / "registry"
    published.mkdir()
    payload = (open_data_dir / "communes-population-cog.json").read_bytes()
    with tarfile.open(published / "decoupage-administratif-6.0.0.tgz", "w:gz") as tar:
        info = tarfile.TarInfo("package/data/communes.json")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    base = serve(published)
    dest = tmp_path / "out" / "communes-population-cog.json"
    dest.parent.mkdir()
    item = ReferenceFile(
        dest.name, f"{base}/decoupage-administratif-6.0.0.tgz", "package/data/communes.json"
    )
    _fetch_member(item, dest, progress=False)
    assert dest.read_bytes() == payload
    with pytest.raises(DownloadError, match="package/data/absent.json"):
        _fetch_member(
            ReferenceFile(dest.name, item.url, "package/data/absent.json"), dest, progress=False
        )


def test_the_command_prints_the_folder_to_use(open_data_dir, serve, tmp_path, capsys):
    mirror = serve(open_data_dir)
    call_command(
        "fetch_open_data",
        into=str(tmp_path / "ref"),
        mirror=mirror,
        departements=["48"],
        verbosity=0,
    )
    assert capsys.readouterr().out.strip() == f"MAILLAGE_OPEN_DATA={(tmp_path / 'ref').resolve()}"
