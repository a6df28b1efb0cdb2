"""Municipal arrondissements: their codes designate their city."""

import pytest

from maillage.territory.codes import commune_code, commune_of_arrondissement


@pytest.mark.parametrize(
    "code, city",
    [
        ("75101", "75056"),
        ("75118", "75056"),
        ("75120", "75056"),
        ("69381", "69123"),
        ("69389", "69123"),
        ("13201", "13055"),
        ("13216", "13055"),
    ],
)
def test_an_arrondissement_designates_its_city(code, city):
    assert commune_of_arrondissement(code) == city
    assert commune_code(code) == city


@pytest.mark.parametrize(
    "code",
    ["75056", "75100", "75121", "69380", "69390", "13200", "13217", "48095", "2A004", "", "abc"],
)
def test_any_other_code_designates_itself(code):
    assert commune_of_arrondissement(code) is None
    assert commune_code(code) == code
