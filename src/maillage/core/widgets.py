"""Form widgets every app shares.

``<input type="date|time|datetime-local">`` accepts only ISO 8601 values
(``2026-12-05``, ``14:00``, ``2026-12-05T14:00``); Django renders a date in the
page's language (``05/12/2026`` in French), which the browser rejects, leaving
the field empty. These widgets always render the ISO form.
"""

from __future__ import annotations

from django import forms

ISO_DATE, ISO_TIME, ISO_DATETIME = "%Y-%m-%d", "%H:%M", "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_TIME)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME)
