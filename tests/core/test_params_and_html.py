"""One bound for every date a person sends, and data that never becomes markup."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from maillage.core import html, params


@pytest.mark.parametrize("text", ["0001-01-01", "1969-12-31", "2201-01-01", "9999-12-31"])
def test_a_date_out_of_bounds_is_refused_naming_the_parameter(text):
    with pytest.raises(params.ParameterError) as error:
        params.parse_date(text, "from")
    assert error.value.parameter == "from" and "1970 et 2200" in error.value.message


@pytest.mark.parametrize("text", ["0001-01-01T00:00", "9999-12-31T23:59+01:00"])
def test_a_moment_out_of_bounds_is_refused_before_any_timezone_arithmetic(text):
    with pytest.raises(params.ParameterError):
        params.parse_datetime(text, "start")


def test_bounds_are_inclusive_and_naive_moments_are_paris_time():
    assert params.parse_date("1970-01-01", "d") == dt.date(1970, 1, 1)
    moment = params.parse_datetime("2200-12-31T23:00", "d")
    assert moment.utcoffset() == dt.timedelta(hours=1)
    assert params.parse_month("2026-11", "from") == dt.date(2026, 11, 1)
    with pytest.raises(params.ParameterError):
        params.parse_month("0001-01", "from")


def test_the_form_validator_says_the_bound():
    params.validate_bounded_date(dt.date(2026, 11, 25))
    with pytest.raises(ValidationError, match="1970 et 2200"):
        params.validate_bounded_date(dt.datetime(1, 1, 1))


def test_json_ld_cannot_close_its_script_element():
    title = "Atelier</script><meta http-equiv=refresh content=0;url=http://127.0.0.1:9/>"
    out = str(html.json_ld_script({"name": title, "x": "<img src=x onerror=alert(1)> & co"}))
    assert out.startswith('<script type="application/ld+json">') and out.count("</script>") == 1
    assert "<meta" not in out and "<img" not in out
    body = out.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body)["name"] == title
