"""Sign up with an e-mail, confirm it, log in with a username or an e-mail, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from participation.fixtures import PASSWORD

from maillage.accounts.models import Role, User

SIGNUP = {
    "display_name": "Roald",
    "email": "Roald@Example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def sign_up(client, **changes):
    return client.post(reverse("accounts:signup"), {**SIGNUP, **changes}, REMOTE_ADDR="192.0.2.1")


def test_sign_up_sends_a_link_that_activates_the_account(client, mailbox):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "roald@example.org"
    assert user.display_name == "Roald"
    assert user.role == Role.MEMBER
    assert not user.is_active and user.awaits_email_confirmation

    mailbox.deliver()
    message = mailbox.only(to="roald@example.org")
    assert "Confirmez votre adresse" in message["Subject"]
    link = urlsplit(mailbox.links(message)[0])
    # Links in e-mails come from the configured address, never from the request's Host.
    assert link.netloc == urlsplit(settings.MAILLAGE_SITE_URL).netloc
    page = client.get(link.path)
    assert page.status_code == 200
    assert "Confirmer et activer mon compte" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # a GET (a mail scanner) activates nothing

    response = client.post(link.path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert client.get(reverse("accounts:account")).context["user"] == user


def test_confirmation_link_works_only_once(client, mailbox):
    sign_up(client)
    mailbox.deliver()
    path = urlsplit(mailbox.links(mailbox.only())[0]).path
    client.post(path)
    client.logout()
    response = client.post(path)
    assert response.status_code == 400
    assert "plus) valable" in response.content.decode()


def test_unconfirmed_account_cannot_log_in_and_is_told_why(client, mailbox):
    sign_up(client)
    response = client.post(
        reverse("accounts:login"), {"username": "roald@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "pas encore confirmée" in response.content.decode()


def test_sign_up_form_reshows_what_was_typed_on_error(client, mailbox):
    response = sign_up(client, password2="autre-chose-encore-48")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Les deux mots de passe sont différents." in html
    assert 'value="Roald"' in html and 'value="Roald@Example.org"' in html
    assert 'for="id_display_name"' in html  # labelled fields
    assert not User.objects.exists()
    mailbox.deliver()
    assert mailbox.messages == []


def test_sign_up_refuses_an_address_already_used(client, member):
    response = sign_up(client, email=member.email.upper())
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse" in response.content.decode()


def test_sign_up_refuses_a_weak_password_in_french(client):
    response = sign_up(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert "Ce mot de passe est entièrement numérique." in response.content.decode()


def test_member_logs_in_with_username_or_email(client, member):
    for login in ("justine", "JUSTINE@example.org"):
        response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.session["_auth_user_id"] == str(member.pk)
        client.logout()


def test_wrong_password_keeps_what_was_typed(client, member):
    response = client.post(
        reverse("accounts:login"), {"username": "justine@example.org", "password": "faux"}
    )
    html = response.content.decode()
    assert "mot de passe incorrect" in html
    assert 'value="justine@example.org"' in html


def test_login_is_blocked_after_ten_failures_for_one_account(client, member):
    for _ in range(10):
        client.post(reverse("accounts:login"), {"username": "justine", "password": "faux"})
    response = client.post(reverse("accounts:login"), {"username": "justine", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop d&#x27;essais" in response.content.decode()


def test_logout_is_a_post(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("mood", ["stopped", "slow", "451"])
def test_signing_up_opens_no_smtp_connection(client, mailbox, frozen_clock, mood):
    """Issue 12: the account is created and the person answered without the SMTP
    server; the confirmation link arrives once it is back, once."""
    mailbox.misbehave(mood)
    before = mailbox.connections
    assert sign_up(client).status_code == 302
    assert mailbox.connections == before
    mailbox.ride_out(mood, frozen_clock, ["roald@example.org"])


@pytest.mark.parametrize(
    ("next_path", "promise"),
    [
        ("/reserver/ressources/3/?date=2026-12-07", "votre réservation vous attend"),
        ("/agora/idees/12/", "soutenir ou suivre une idée"),
        ("/agenda/atelier-numerique/", "vous inscrire à l'événement"),
        ("/lieux/polen/", None),
    ],
)
@pytest.mark.django_db
def test_logging_in_on_the_way_promises_only_what_the_page_was_for(client, next_path, promise):
    every_promise = {
        "votre réservation vous attend",
        "soutenir ou suivre une idée",
        "vous inscrire à l'événement",
        "proposer ou corriger un lieu",
    }
    for name in ("login", "signup", "signup_done"):
        response = client.get(reverse(f"accounts:{name}"), {"next": next_path})
        page = response.content.decode().replace("&#x27;", "'")
        shown = {p for p in every_promise if p in page}
        assert shown == ({promise} if promise else set()), name
    login = client.get(reverse("accounts:login"), {"next": next_path}).content.decode()
    assert "vous reviendrez ensuite où vous en étiez" in login
