"""Roles: visitor, member, host of given places, coordinator, admin."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from participation.fixtures import make_user

from maillage.accounts.models import Role, User


def test_host_edits_only_their_places(atelier, telecentre, host):
    assert host.can_edit_place(atelier)
    assert not host.can_edit_place(telecentre)


def test_coordinator_edits_every_place_and_moderates(atelier, telecentre, coordinator):
    assert coordinator.can_edit_place(atelier) and coordinator.can_edit_place(telecentre)
    assert coordinator.can_moderate
    assert coordinator.is_staff


def test_members_and_visitors_edit_nothing(atelier, member):
    assert not member.can_edit_place(atelier)
    assert not member.can_moderate
    assert not getattr(AnonymousUser(), "can_moderate", False)


def test_deactivated_host_edits_nothing(atelier, host):
    host.is_active = False
    host.save()
    assert not host.can_edit_place(atelier)


def test_coordinator_manages_places_and_participation_in_the_admin(client, coordinator, atelier):
    client.force_login(coordinator)
    assert coordinator.has_perm("places.change_place")
    assert coordinator.has_perm("participation.change_proposal")
    assert coordinator.has_perm("accounts.view_user")
    assert not coordinator.has_perm("accounts.change_user")
    assert client.get(reverse("admin:participation_proposal_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    response = client.get(reverse("admin:accounts_user_change", args=[coordinator.pk]))
    assert response.status_code == 200
    assert 'name="role"' not in response.content.decode()  # view only


def test_admin_manages_people(client, member):
    admin = make_user("admin", Role.ADMIN)
    client.force_login(admin)
    assert admin.has_perm("accounts.change_user")
    url = reverse("admin:accounts_user_change", args=[member.pk])
    assert 'name="role"' in client.get(url).content.decode()


def test_members_have_no_admin(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert not member.has_perm("places.change_place")


def test_my_account_shows_hosted_places_and_their_actions(client, atelier, host):
    client.force_login(host)
    html = client.get(reverse("accounts:account")).content.decode()
    assert "L&#x27;Atelier" in html
    assert reverse("participation:edit_place", args=[atelier.slug]) in html
    assert reverse("participation:mark_up_to_date", args=[atelier.slug]) in html
    assert reverse("accounts:export") in html and reverse("accounts:delete") in html


def test_my_account_changes_the_display_name(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:account"), {"display_name": "Justine M."})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Justine M."


def test_my_account_needs_login(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_admin_creates_a_coordinator_in_the_django_admin(client):
    admin = make_user("admin", Role.ADMIN)
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "lozere-dev",
            "email": "coordination@lozere-developpement.example",
            "display_name": "Lozère Développement",
            "role": Role.COORDINATOR,
            "usable_password": "true",
            "password1": "une-phrase-de-passe-lozere-48",
            "password2": "une-phrase-de-passe-lozere-48",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(username="lozere-dev")
    assert created.role == Role.COORDINATOR and created.is_staff and created.can_moderate
