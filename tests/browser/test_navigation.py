"""The main navigation folds behind a "Menu" button on a phone, and only there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_on_a_phone_the_navigation_opens_from_the_menu_button(open_page, live_server):
    page = open_page(PHONE)
    page.goto(live_server.url + "/pictogrammes/")
    menu = page.get_by_role("button", name="Menu")
    link = page.get_by_role("link", name="Charte du réseau")
    expect(menu).to_be_visible()
    expect(link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    link.click()
    expect(page).to_have_url(live_server.url + "/charte/")


def test_on_a_computer_the_navigation_is_always_shown(open_page, live_server):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/pictogrammes/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Charte du réseau")).to_be_visible()


def test_without_javascript_the_navigation_stays_open_on_a_phone(open_page, live_server):
    page = open_page(PHONE, javascript=False)
    page.goto(live_server.url + "/pictogrammes/")
    expect(page.get_by_role("link", name="Charte du réseau")).to_be_visible()
