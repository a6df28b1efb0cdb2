"""Password reset by e-mail, end to end through the SMTP server."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import reverse
from participation.fixtures import PASSWORD

NEW_PASSWORD = "causse-mejean-aubrac-2026"


def test_reset_link_works_end_to_end(client, member, mailbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "Justine@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")

    mailbox.deliver()
    message = mailbox.only(to=member.email)
    assert "nouveau mot de passe" in message["Subject"]
    body = mailbox.body(message)
    assert "Votre identifiant : justine" in body
    link = urlsplit(mailbox.links(message)[0]).path

    form_page = client.get(link, follow=True)  # Django swaps the token for a session
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert not member.check_password(PASSWORD)
    login = client.post(
        reverse("accounts:login"), {"username": member.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]  # used once


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, mailbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    mailbox.deliver()
    assert mailbox.messages == []


def test_reset_requests_are_rate_limited(client, member, mailbox):
    for _ in range(7):
        client.post(reverse("accounts:password_reset"), {"email": member.email})
    mailbox.deliver()
    assert len(mailbox.to(member.email)) == 5


def test_reset_pages_are_in_french(client):
    html = client.get(reverse("accounts:password_reset")).content.decode()
    assert "Mot de passe oublié" in html
    assert 'for="id_email"' in html
