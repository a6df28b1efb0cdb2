"""Hosts edit their places directly; coordinators edit every place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from maillage.participation import services
from maillage.participation.forms import FORMSETS, PlaceEditForm
from maillage.places.models import Function


def edit_url(place):
    return reverse("participation:edit_place", args=[place.slug])


def form_data(client, place, **changes):
    """What the edit page's form sends as is, with ``changes`` (dotted keys allowed)."""
    response = client.get(edit_url(place))
    assert response.status_code == 200
    data = {}
    forms = [response.context["form"]] + [fs for _n, _l, fs in response.context["formsets"]]
    for form in forms:
        if hasattr(form, "management_form"):
            for field in form.management_form:
                data[field.html_name] = field.value()
            subforms = form.forms
        else:
            subforms = [form]
        for subform in subforms:
            for field in subform:
                value = field.value()
                if value is None or value is False:
                    continue
                if isinstance(value, list | tuple):
                    data[field.html_name] = [str(v) for v in value]
                else:
                    data[field.html_name] = str(value) if not isinstance(value, bool) else "on"
    data.update(changes)
    return data


def test_host_edits_only_their_places(client, atelier, telecentre, host):
    client.force_login(host)
    assert client.get(edit_url(atelier)).status_code == 200
    assert client.get(edit_url(telecentre)).status_code == 403
    assert client.post(edit_url(telecentre), {"name": "Pris"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.edit_place(telecentre, by=host, fields={"name": "Pris"})
    telecentre.refresh_from_db()
    assert telecentre.name == "Télécentre de Florac"


def test_coordinator_edits_every_place(client, telecentre, coordinator):
    client.force_login(coordinator)
    data = form_data(client, telecentre, phone="04 66 45 00 00")
    assert client.post(edit_url(telecentre), data).status_code == 302
    telecentre.refresh_from_db()
    assert telecentre.phone == "04 66 45 00 00"


def test_visitors_and_members_cannot_edit(client, atelier, member):
    response = client.get(edit_url(atelier))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(member)
    assert client.get(edit_url(atelier)).status_code == 403


def test_saving_marks_the_place_checked_and_records_the_host(client, atelier, host):
    client.force_login(host)
    data = form_data(client, atelier, summary="Bar, jeux et concerts au cœur de Mende.")
    response = client.post(edit_url(atelier), data)
    assert response.status_code == 302
    assert response["Location"] == atelier.get_absolute_url()
    atelier.refresh_from_db()
    assert atelier.summary == "Bar, jeux et concerts au cœur de Mende."
    assert atelier.last_checked_at is not None
    assert timezone.now() - atelier.last_checked_at < dt.timedelta(minutes=1)
    record = atelier.history.latest()
    assert record.history_user == host
    assert record.history_change_reason == "Modifié par Murielle"


def test_invalid_hours_are_explained_in_french_and_reshown(client, atelier, host):
    client.force_login(host)
    data = form_data(client, atelier, opening_hours="mardi-samedi 17h-23h", hours_mode="raw")
    response = client.post(edit_url(atelier), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="mardi-samedi 17h-23h"' in html
    assert "Ces horaires ne sont pas compris : « mardi-samedi 17h-23h »" in html
    atelier.refresh_from_db()
    assert atelier.opening_hours == "Tu-Sa 17:00-23:00"


def test_host_adds_a_function_with_its_own_hours_a_closure_and_a_notice(client, atelier, host):
    client.force_login(host)
    agora = Function.objects.get(slug="citizen-agora")
    data = form_data(
        client,
        atelier,
        **{
            "functions-1-function": str(agora.pk),
            "functions-1-opening_hours": "Th 19:00-22:00",
            "functions-1-audiences": ["young", "all"],
            "closures-0-start_date": "2026-12-24",
            "closures-0-end_date": "2027-01-02",
            "closures-0-reason": "Congés de fin d'année",
            "notices-0-message": "Concert le 12 décembre !",
            "notices-0-starts_on": "2026-12-01",
            "notices-0-ends_on": "2026-12-12",
        },
    )
    response = client.post(edit_url(atelier), data)
    assert response.status_code == 302, response.context and [
        fs.errors for _n, _l, fs in response.context["formsets"]
    ]
    own = atelier.place_functions.get(function=agora)
    assert own.opening_hours == "Th 19:00-22:00"
    assert sorted(own.audiences) == ["all", "young"]
    assert own.history.get().history_user == host
    closure = atelier.closures.get()
    assert (closure.start_date, closure.end_date) == (dt.date(2026, 12, 24), dt.date(2027, 1, 2))
    assert atelier.notices.get().message == "Concert le 12 décembre !"
    assert atelier.place_functions.filter(function__slug="culture").exists()


def test_host_removes_a_function(client, atelier, host):
    client.force_login(host)
    data = form_data(client, atelier, **{"functions-0-DELETE": "on"})
    assert client.post(edit_url(atelier), data).status_code == 302
    assert not atelier.place_functions.exists()
    deleted = atelier.place_functions.model.history.filter(
        history_type="-", place_id=atelier.pk
    ).get()
    assert deleted.history_user == host


def test_closure_ending_before_it_starts_is_refused_in_french(client, atelier, host):
    client.force_login(host)
    data = form_data(
        client,
        atelier,
        **{"closures-0-start_date": "2026-12-24", "closures-0-end_date": "2026-12-20"},
    )
    response = client.post(edit_url(atelier), data)
    assert response.status_code == 200
    assert "La fin doit être le même jour ou après le début." in response.content.decode()
    assert not atelier.closures.exists()


def test_mobile_unit_host_adds_a_stop_with_its_days(atelier, host, florac):
    services.edit_place(
        atelier,
        by=host,
        fields={"is_mobile": True},
        stops=[{"commune": florac, "spot": "Place du marché", "opening_hours": "Th 09:00-12:00"}],
    )
    stop = atelier.stops.get()
    assert stop.commune == florac and stop.opening_hours == "Th 09:00-12:00"
    assert stop.history.get().history_user == host


def test_everything_is_up_to_date_marks_checked_without_changes(client, atelier, host):
    client.force_login(host)
    before = atelier.history.count()
    response = client.post(
        reverse("participation:mark_up_to_date", args=[atelier.slug]),
        {"next": reverse("accounts:account")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    atelier.refresh_from_db()
    assert atelier.last_checked_at is not None
    assert atelier.name == "L'Atelier" and atelier.opening_hours == "Tu-Sa 17:00-23:00"
    record = atelier.history.latest()
    assert atelier.history.count() == before + 1
    assert record.history_user == host
    assert record.history_change_reason == "Vérifié : tout est à jour"


def test_everything_is_up_to_date_is_for_editors_only(client, atelier, member):
    client.force_login(member)
    url = reverse("participation:mark_up_to_date", args=[atelier.slug])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code in (403, 405)
    atelier.refresh_from_db()
    assert atelier.last_checked_at is None


def test_next_never_leaves_the_site(client, atelier, host):
    client.force_login(host)
    response = client.post(
        reverse("participation:mark_up_to_date", args=[atelier.slug]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == atelier.get_absolute_url()


def test_edit_form_lists_only_formsets_it_knows():
    assert [name for name, _legend, _fs in FORMSETS] == [
        "functions",
        "closures",
        "notices",
        "stops",
    ]
    assert "people" in PlaceEditForm.base_fields


def test_only_mobile_units_see_their_stops(client, atelier, host):
    client.force_login(host)
    names = [name for name, _l, _fs in client.get(edit_url(atelier)).context["formsets"]]
    assert "stops" not in names
    atelier.is_mobile = True
    atelier.save()
    names = [name for name, _l, _fs in client.get(edit_url(atelier)).context["formsets"]]
    assert "stops" in names
