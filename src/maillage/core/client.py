"""Who is asking: the client's address, read through the configured reverse proxies only.

Behind nginx every request comes from 127.0.0.1; the visitor's address is in
``X-Forwarded-For``, which each proxy extends with the address it received the
request from. Anyone can send that header, so only the entries added by our own
proxies are believed: with ``MAILLAGE_TRUSTED_PROXIES = N`` (the number of
reverse proxies in front of the application, 1 for the documented nginx), the
client is the N-th address from the right. With 0 (the default: the
application is reached directly) the header is ignored. A missing, short or
malformed header gives the socket address, never a value the client chose.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address as our outermost trusted proxy saw it."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = int(getattr(settings, "MAILLAGE_TRUSTED_PROXIES", 0) or 0)
    if trusted <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < trusted:
        return remote
    return _address(forwarded[-trusted]) or remote
