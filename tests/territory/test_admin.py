"""Communes in the Django admin."""

from __future__ import annotations

import pytest

from maillage.territory.importers import import_communes

pytestmark = pytest.mark.django_db


# whitenoise warns once when a fresh checkout has no collected static folder
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_the_admin_lists_communes_and_shows_a_boundary_summary(open_data_dir, admin_client):
    import_communes(
        ["48"],
        [
            open_data_dir / "communes-geojson" / "communes-48-lozere.geojson",
            open_data_dir / "communes-population-cog.json",
        ],
    )
    listing = admin_client.get("/admin/territory/commune/?q=Mende")
    assert listing.status_code == 200 and "48095" in listing.content.decode()
    page = admin_client.get("/admin/territory/commune/48095/change/")
    assert page.status_code == 200
    assert "Polygon de" in page.content.decode()
    found = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "places", "model_name": "place", "field_name": "commune", "term": "mend"},
    )
    assert found.status_code == 200
    assert {"id": "48095", "text": "Mende (48095)"} in found.json()["results"]
