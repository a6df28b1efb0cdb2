"""Small write functions on places, shared by importers, the demo and the views."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Function, Network, Place, PlaceFunction


def ensure_network(slug: str, name: str, url: str = "", description: str = "") -> Network:
    """The network ``slug``, created with ``name`` if missing (an existing one is left as is)."""
    network, _created = Network.objects.get_or_create(
        slug=slug, defaults={"name": name, "url": url, "description": description}
    )
    return network


def set_functions(place: Place, specs: Iterable[str | dict]) -> None:
    """Make ``place`` offer exactly these functions. A spec is a slug, or a dict with
    ``function`` (slug) and optional ``opening_hours``, ``audiences``, ``conditions``, ``fee``.
    Rows already right are not saved again (no history noise)."""
    wanted = {}
    for spec in specs:
        spec = {"function": spec} if isinstance(spec, str) else dict(spec)
        wanted[spec.pop("function")] = spec
    functions = {f.slug: f for f in Function.objects.filter(slug__in=wanted)}
    unknown = set(wanted) - set(functions)
    if unknown:
        raise ValueError(f"Unknown function slugs: {sorted(unknown)}")
    current = {pf.function.slug: pf for pf in place.place_functions.select_related("function")}
    for slug, pf in current.items():
        if slug not in wanted:
            pf.delete()
    for slug, extra in wanted.items():
        values = {"opening_hours": "", "audiences": [], "conditions": "", "fee": "", **extra}
        pf = current.get(slug)
        if pf is None:
            PlaceFunction.objects.create(place=place, function=functions[slug], **values)
        elif any(getattr(pf, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(pf, k, v)
            pf.save()
