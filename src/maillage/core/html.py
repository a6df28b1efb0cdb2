"""Data inside HTML without it ever becoming markup.

Django's ``json_script`` filter puts JSON in a ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, so that a name containing ``</script>``
stays text. JSON-LD needs another ``type``: :func:`json_ld_script` writes it
with the same escaping. Templates then never need ``|safe`` on data.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# the escapes of django.utils.html.json_script: inside <script>, "</script>"
# and "<!--" cannot appear, whatever the data says
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script_json(data: Any) -> str:
    """JSON text safe to place between ``<script>`` and ``</script>``."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)


def json_ld_script(data: Any) -> SafeString:
    """``<script type="application/ld+json">`` holding ``data``, escaped like json_script."""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(script_json(data)),  # noqa: S308 - escaped above: no "<" can remain
    )
