"""Template tags of the web pages: pictograms, distances, optional includes.

``{% picto %}`` renders a Lucide icon (django-lucide's files) inline, always
decorative (``aria-hidden``: the text beside it says what it is). Unlike
django-lucide's own tag it never renders an attribute value as a template, and
an unknown icon name (a typo in the admin) falls back to a neutral pictogram
instead of breaking the page.
"""

from __future__ import annotations

from functools import lru_cache
from xml.etree import ElementTree

import lucide
from django import template
from django.conf import settings
from django.http import QueryDict
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from maillage.core.pictograms import icon_name

register = template.Library()


@register.simple_tag
def picto(name: str, size: int = 24, css_class: str = "picto") -> str:
    return mark_safe(_picto(str(name or ""), int(size), str(css_class)))  # noqa: S308


@lru_cache(maxsize=1024)
def _picto(name: str, size: int, css_class: str) -> str:
    """Lucide's own SVG with fixed attributes (cached: a list shows the same few icons)."""
    svg = lucide._render_icon(
        icon_name(name),
        int(size),
        aria_hidden="true",
        focusable="false",
        **{"class": css_class},
    )
    return svg


@register.simple_tag
def picto_sprite(names) -> str:
    """A hidden SVG sprite with one ``<symbol id="picto-NAME">`` per icon, for the map's markers."""
    symbols = []
    for name in sorted({icon_name(n) for n in names}):
        svg = lucide._load_icon(name)
        inner = "".join(ElementTree.tostring(child, encoding="unicode") for child in svg)
        symbols.append(
            format_html(
                '<symbol id="picto-{}" viewBox="{}">{}</symbol>',
                name,
                svg.attrib.get("viewBox", "0 0 24 24"),
                mark_safe(inner),  # noqa: S308 - Lucide's own SVG
            )
        )
    return format_html(
        '<svg class="picto-sprite" aria-hidden="true" focusable="false">{}</svg>',
        format_html_join("", "{}", ((s,) for s in symbols)),
    )


@register.filter
def km(value) -> str:
    """A distance for people: ``800 m``, ``3,5 km``, ``42 km``."""
    if value is None or value == "":
        return ""
    value = float(value)
    # Thresholds sit where rounding would cross a unit (0.96 km is "1,0 km", not "1000 m").
    if value < 0.95:
        return f"{max(100, round(value * 1000, -2)):.0f} m"
    if value < 9.95:
        return f"{number_format(round(value, 1), 1)} km"
    return f"{round(value):.0f} km"


@register.simple_tag(takes_context=True)
def include_if_exists(context, template_name: str) -> str:
    """Render ``template_name`` with the current context if some app provides it.

    The slots other apps fill (the account links, the place page's "propose a
    correction / flag / claim" actions) without the web app depending on them.
    """
    try:
        tpl = get_template(template_name)
    except TemplateDoesNotExist:
        return ""
    return tpl.render(context.flatten(), context.get("request"))


@register.simple_tag
def network_name() -> str:
    return getattr(settings, "MAILLAGE_NETWORK_NAME", "")


@register.simple_tag(takes_context=True)
def url_with(context, **changes) -> str:
    """The current query string with some parameters replaced (empty value: removed)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for name, value in changes.items():
        params.pop(name, None)
        if value not in (None, ""):
            params[name] = str(value)
    return "?" + params.urlencode() if params else "?"


@register.filter
def external_url(value) -> str:
    """``value`` if it is an http(s) address (a link to a place's own site), else empty."""
    value = str(value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""
