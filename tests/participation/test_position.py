"""Where a proposed place is: a point in its commune (clicked on a map or typed), or
its commune's centre flagged approximate; the coordinator may move it; the
accepted place then has a marker and sorts by distance like the others."""

from __future__ import annotations

import pytest
from django.urls import reverse
from web.demo import build_demo

from maillage.participation import services
from maillage.participation.display import proposal_position
from maillage.participation.forms import PlaceEditForm, PlaceProposalForm
from maillage.participation.models import Proposal
from maillage.places.filters import PlaceFilter
from maillage.places.models import Place
from maillage.places.search import search_places
from maillage.territory.importers import import_communes
from maillage.territory.models import Commune

from .fixtures import make_user
from .test_host_editing import form_data

PONT = "48116"  # Pont de Montvert - Sud Mont Lozère
IN_PONT = (44.3666, 3.7447)  # the village, inside the commune
IN_FLORAC = (44.3244, 3.5931)


@pytest.fixture
def lozere(db, open_data_dir):
    """Lozère's real communes with their boundaries, then the demo's places."""
    import_communes(["48"], [open_data_dir / "communes-geojson" / "communes-48-lozere.geojson"])
    build_demo()
    return Commune.objects.get(code=PONT)


def cafe(**extra) -> dict:
    return {
        "name": "Café de la Tarn",
        "type": "cafe",
        "commune": "Le Pont-de-Montvert",
        "proposer_email": "lea@example.org",
        "hours_mode": "week",
        **extra,
    }


def test_the_commune_is_typed_and_resolved(lozere):
    form = PlaceProposalForm(cafe())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == lozere
    form = PlaceProposalForm(cafe(commune="Lyon"))
    assert not form.is_valid()
    assert "Aucune commune du territoire ne s'appelle « Lyon »" in form.errors["commune"][0]


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("95", "3.7", "La latitude va de -90 à 90."),
        ("44.3", "200", "La longitude va de -180 à 180."),
        ("quarante", "3.7", "Une latitude est un nombre en degrés décimaux"),
        ("48.85", "2.35", "Ce point est hors du territoire"),  # Paris
        (str(IN_FLORAC[0]), str(IN_FLORAC[1]), "Ce point est à Florac Trois Rivières, pas à"),
        ("44.37", "", "Donnez la latitude et la longitude"),
    ],
)
def test_a_point_is_bounded_with_clear_errors_and_reshown(client, lozere, lat, lon, message):
    response = client.post(
        reverse("participation:propose_place"), cafe(latitude=lat, longitude=lon)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for field in ("latitude", "longitude") for e in errors.get(field, []))
    html = response.content.decode()
    assert f'value="{lat}"' in html  # what was typed is shown again
    assert 'value="Le Pont-de-Montvert"' in html
    assert not Proposal.objects.exists()


def test_a_proposal_with_a_point_places_the_cafe_there(client, lozere, coordinator):
    response = client.post(
        reverse("participation:propose_place"),
        cafe(latitude=str(IN_PONT[0]), longitude=str(IN_PONT[1])),
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert not proposal.position_approximate
    place = services.accept_proposal(proposal, by=coordinator)
    assert (place.latitude, place.longitude) == IN_PONT
    assert not place.position_approximate


def test_without_a_point_the_place_stands_at_its_commune_centre_approximately(
    client, lozere, coordinator
):
    response = client.post(reverse("participation:propose_place"), cafe())
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert proposal.position_approximate
    position = proposal_position(proposal)
    assert position.approximate
    assert (position.latitude, position.longitude) == (lozere.centroid_lat, lozere.centroid_lon)
    place = services.accept_proposal(proposal, by=coordinator)
    assert (place.latitude, place.longitude) == (lozere.centroid_lat, lozere.centroid_lon)
    assert place.position_approximate


def test_the_accepted_cafe_comes_among_the_nearest_around_pont_de_montvert(
    client, lozere, coordinator
):
    for extra in ({}, {"name": "Café du Pont", "latitude": "44.3666", "longitude": "3.7447"}):
        assert client.post(reverse("participation:propose_place"), cafe(**extra)).status_code == 302
    for proposal in Proposal.objects.all():
        services.accept_proposal(proposal, by=coordinator)
    around = search_places(PlaceFilter(near=(lozere.centroid_lat, lozere.centroid_lon)))
    names = [hit.place.name for hit in around]
    assert len(names) >= 6
    assert set(names[:2]) == {"Café de la Tarn", "Café du Pont"}  # not last, as before
    assert all(d is not None for d in around.distances[:2])


def test_the_coordinator_moves_the_point_or_puts_it_back_at_the_centre(client, lozere, coordinator):
    proposal = services.propose_place(
        {"name": "Café de la Tarn", "type": "cafe", "commune": lozere}, email="lea@example.org"
    )
    client.force_login(coordinator)
    url = reverse("participation:move_proposal", args=[proposal.pk])
    page = client.get(reverse("participation:proposal", args=[proposal.pk]))
    assert "le lieu sera placé au centre de Pont de Montvert" in page.content.decode()

    response = client.post(url, {"latitude": "44.3", "longitude": "3.59"})  # Florac
    assert response.status_code == 400
    assert "pas à Pont de Montvert" in response.content.decode()

    response = client.post(url, {"latitude": str(IN_PONT[0]), "longitude": str(IN_PONT[1])})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.changes["latitude"], proposal.changes["longitude"]) == IN_PONT
    assert not proposal.position_approximate

    client.post(url, {"clear": "1"})
    proposal.refresh_from_db()
    assert proposal.position_approximate
    place = services.accept_proposal(proposal, by=coordinator)
    assert place.position_approximate and place.latitude == lozere.centroid_lat


def test_only_coordinators_move_a_point(client, lozere, member):
    proposal = services.propose_place(
        {"name": "Café", "type": "cafe", "commune": lozere}, email="lea@example.org"
    )
    client.force_login(member)
    url = reverse("participation:move_proposal", args=[proposal.pk])
    assert client.post(url, {"latitude": "44.36", "longitude": "3.74"}).status_code == 403


def test_a_correction_of_the_commune_moves_an_approximate_place(lozere, coordinator):
    place = Place.objects.create(name="Café", slug="cafe", type="cafe", commune=lozere)
    place.set_position(None, None)
    place.save()
    florac = Commune.objects.get(code="48061")
    proposal = services.propose_correction(place, {"commune": florac}, email="a@b.org")
    place = services.accept_proposal(proposal, by=coordinator)
    assert (place.latitude, place.longitude) == (florac.centroid_lat, florac.centroid_lon)
    assert place.position_approximate


# --- the weekly hours in the forms ------------------------------------------------------


def test_the_weekly_form_writes_the_openstreetmap_syntax(lozere):
    data = cafe(hours_holidays_off="on")
    for day in range(5):  # Monday to Friday, with a lunch break
        data |= {
            f"hours_{day}_0_start": "09:00",
            f"hours_{day}_0_end": "12:00",
            f"hours_{day}_1_start": "14:00",
            f"hours_{day}_1_end": "18:30",
        }
    data |= {"hours_5_0_start": "08:00", "hours_5_0_end": "12:00"}
    form = PlaceProposalForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opening_hours"] == (
        "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:00-12:00; PH off"
    )


def test_the_weekly_form_explains_a_wrong_range_in_french(lozere):
    form = PlaceProposalForm(
        cafe(hours_1_0_start="14:00", hours_1_0_end="09:00", hours_2_0_start="09:00")
    )
    assert not form.is_valid()
    assert form.errors["hours_1_0_end"] == [
        "Mardi : La fin (09:00) doit venir après le début (14:00). Pour des horaires qui "
        "passent minuit, écrivez-les dans la syntaxe OpenStreetMap."
    ]
    assert "Mercredi : donnez le début et la fin de la plage." in form.errors["hours_2_0_end"]


def test_the_host_form_reads_simple_hours_back_and_keeps_others_raw(lozere):
    place = Place.objects.create(
        name="Café", slug="cafe", type="cafe", commune=lozere, opening_hours="Tu-Sa 10:00-18:00"
    )
    form = PlaceEditForm(instance=place)
    assert form.hours_mode == "week"
    assert form["hours_1_0_start"].value().strftime("%H:%M") == "10:00"
    assert form["hours_0_0_start"].value() is None  # Monday: closed
    place.opening_hours = "Tu-Sa 17:00-01:00"
    form = PlaceEditForm(instance=place)
    assert form.hours_mode == "raw"
    assert form["opening_hours"].value() == "Tu-Sa 17:00-01:00"


# --- the host's form: the same map --------------------------------------------------------


@pytest.fixture
def hosted_cafe(lozere, client):
    """A café at its commune's centre (approximate), its host logged in."""
    place = Place.objects.create(name="Café de la Tarn", slug="cafe-tarn", type="cafe")
    place.commune = lozere
    place.set_position(None, None)
    place.save()
    user = make_user("lea")
    place.hosts.add(user)
    client.force_login(user)
    return place


def host_post(client, place, **changes):
    url = reverse("participation:edit_place", args=[place.slug])
    return client.post(url, form_data(client, place, **changes))


def test_the_host_form_has_the_proposal_s_map_framing_the_commune(client, hosted_cafe):
    response = client.get(reverse("participation:edit_place", args=[hosted_cafe.slug]))
    html = response.content.decode()
    assert html.count("data-position-map") == 1
    assert 'data-commune-input="id_commune"' in html
    assert 'data-lat-input="id_latitude" data-lon-input="id_longitude"' in html
    assert 'id="position-communes"' in html and "participation/position-map.js" in html
    # an approximate position is no point given: the fields are empty, the map says so
    form = response.context["form"]
    assert form["latitude"].value() is None and form["longitude"].value() is None


def test_the_host_places_the_cafe_on_the_map(client, hosted_cafe):
    response = host_post(client, hosted_cafe, latitude=str(IN_PONT[0]), longitude=str(IN_PONT[1]))
    assert response.status_code == 302, response.context["form"].errors
    hosted_cafe.refresh_from_db()
    assert (hosted_cafe.latitude, hosted_cafe.longitude) == IN_PONT
    assert not hosted_cafe.position_approximate
    # saved again unchanged, the point stays; emptied, the café goes back to the centre
    assert host_post(client, hosted_cafe).status_code == 302
    hosted_cafe.refresh_from_db()
    assert (hosted_cafe.latitude, hosted_cafe.longitude) == IN_PONT
    assert host_post(client, hosted_cafe, latitude="", longitude="").status_code == 302
    hosted_cafe.refresh_from_db()
    assert hosted_cafe.position_approximate
    assert (hosted_cafe.latitude, hosted_cafe.longitude) == (
        hosted_cafe.commune.centroid_lat,
        hosted_cafe.commune.centroid_lon,
    )


def test_an_approximate_place_saved_unchanged_stays_approximate(client, hosted_cafe):
    assert host_post(client, hosted_cafe, summary="Un café au bord du Tarn.").status_code == 302
    hosted_cafe.refresh_from_db()
    assert hosted_cafe.position_approximate and hosted_cafe.summary == "Un café au bord du Tarn."


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (str(IN_FLORAC[0]), str(IN_FLORAC[1]), "Ce point est à Florac Trois Rivières, pas à"),
        ("48.85", "2.35", "Ce point est hors du territoire"),
        ("44.37", "", "Donnez la latitude et la longitude"),
    ],
)
def test_the_host_s_point_is_checked_as_a_proposal_s(client, hosted_cafe, lat, lon, message):
    response = host_post(client, hosted_cafe, latitude=lat, longitude=lon)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for field in ("latitude", "longitude") for e in errors.get(field, []))
    assert f'value="{lat}"' in response.content.decode()
    hosted_cafe.refresh_from_db()
    assert hosted_cafe.position_approximate


def test_a_point_kept_as_it_was_is_not_checked_again(client, hosted_cafe):
    """An imported point just across a (simplified) boundary does not block the host."""
    Place.objects.filter(pk=hosted_cafe.pk).update(
        latitude=IN_FLORAC[0], longitude=IN_FLORAC[1], position_approximate=False
    )
    assert host_post(client, hosted_cafe, phone="04 66 45 00 00").status_code == 302
    hosted_cafe.refresh_from_db()
    assert (hosted_cafe.latitude, hosted_cafe.longitude) == IN_FLORAC
