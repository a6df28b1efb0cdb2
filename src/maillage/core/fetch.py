"""Fetching a URL a person gave us (a calendar feed), without letting it hurt us.

A host types a URL; the server fetches it on a schedule. Left to a plain HTTP
client, that URL could point the server at its own network (server-side request
forgery: ``http://127.0.0.1:5432``, ``http://169.254.169.254/`` the cloud
metadata service, a router on ``10.0.0.1``), hang a worker forever, or fill the
memory with an endless answer. So :func:`fetch`:

- accepts only ``http`` and ``https``, without credentials in the URL;
- resolves the host name itself and refuses it when any of its addresses is not
  a public one (loopback, private, link-local, shared, reserved, multicast),
  then connects to the address it checked (no second DNS answer can slip in);
  the same check runs on every redirect, before any connection;
- follows at most ``MAILLAGE_FETCH_MAX_REDIRECTS`` redirects;
- gives up after ``MAILLAGE_FETCH_TIMEOUT`` seconds (connection, each read and
  the whole transfer);
- reads at most ``MAILLAGE_FETCH_MAX_BYTES`` (after decompression) and stops
  there with a clear message;
- sends ``If-None-Match`` / ``If-Modified-Since`` when it knows the previous
  answer's ``ETag`` / ``Last-Modified``, and says "not modified" on a 304.

``MAILLAGE_FETCH_ALLOWED_NETWORKS`` lists networks that are let through
although not public (empty by default; an intranet calendar server, or the
tests' loopback server). urllib3 (already there, under requests) does the HTTP;
the address checks are the standard library's :mod:`ipaddress`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "Maillage/0.1 (calendar sync of a network of shared places)"
CHUNK = 64 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch refused or failed; ``str(error)`` is a sentence for the host, in French."""


@dataclasses.dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 when not modified
    content: bytes  # empty when not modified
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _setting(name: str, default):
    return getattr(settings, name, default)


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(n, strict=False)
        for n in _setting("MAILLAGE_FETCH_ALLOWED_NETWORKS", [])
    ]


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet (not loopback, private, link-local, ...)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def address_allowed(address: IPAddress) -> bool:
    if is_public(address):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _allowed_networks())


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            _("Adresse introuvable : le nom « %(host)s » ne correspond à aucun serveur.")
            % {"host": host}
        ) from exc
    addresses = []
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclasses.dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: IPAddress
    path: str  # path and query

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str) -> Target:
    """The checked target of ``url``; raises :class:`FetchError` when it may not be fetched.

    Resolves the host: no connection is opened by this function."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(_("Adresse invalide : %(url)s") % {"url": url}) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(
            _("Seules les adresses http:// et https:// sont acceptées (reçu : %(url)s).")
            % {"url": url}
        )
    if parts.username or parts.password:
        raise FetchError(
            _("Une adresse avec identifiant et mot de passe n'est pas acceptée : %(url)s")
            % {"url": url}
        )
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    refused = [a for a in addresses if not address_allowed(a)]
    if refused or not addresses:
        raise FetchError(
            _(
                "Adresse refusée : %(host)s mène à une adresse privée ou locale (%(address)s). "
                "Seuls les serveurs publics d'internet peuvent être suivis."
            )
            % {"host": host, "address": refused[0] if refused else "?"}
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, addresses[0], path)


def _pool(target: Target, timeout: urllib3.Timeout):
    address = str(target.address)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(
        address, target.port, timeout=timeout, retries=False, maxsize=1
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    max_bytes: int | None = None,
) -> Fetched:
    """GET ``url`` under the rules of this module (see its docstring).

    Raises :class:`FetchError` with a message for the host on any refusal or failure."""
    max_bytes = max_bytes or _setting("MAILLAGE_FETCH_MAX_BYTES", 10_000_000)
    seconds = float(_setting("MAILLAGE_FETCH_TIMEOUT", 20))
    max_redirects = int(_setting("MAILLAGE_FETCH_MAX_REDIRECTS", 3))
    deadline = time.monotonic() + seconds
    timeout = urllib3.Timeout(connect=seconds, read=seconds)
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(max_redirects + 1):
        target = check_url(current)  # every hop: resolved and checked before connecting
        pool = _pool(target, timeout)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            pool.close()
            raise FetchError(
                _("Le serveur de %(url)s ne répond pas correctement : %(error)s")
                % {"url": current, "error": exc.__class__.__name__}
            ) from exc
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(
                        _("Redirection sans adresse de destination depuis %(url)s.")
                        % {"url": current}
                    )
                current = urljoin(current, location)
                continue
            if response.status == 304:
                return Fetched(
                    current,
                    304,
                    b"",
                    etag=response.headers.get("ETag", etag),
                    last_modified=response.headers.get("Last-Modified", last_modified),
                )
            if response.status >= 400 or response.status != 200:
                raise FetchError(
                    _("Le serveur a répondu HTTP %(status)s pour %(url)s.")
                    % {"status": response.status, "url": current}
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_large(current, max_bytes))
            body = bytearray()
            for chunk in response.stream(CHUNK, decode_content=True):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(_too_large(current, max_bytes))
                if time.monotonic() > deadline:
                    raise FetchError(
                        _("Le téléchargement de %(url)s a dépassé %(seconds)s secondes.")
                        % {"url": current, "seconds": f"{seconds:g}"}
                    )
            return Fetched(
                current,
                200,
                bytes(body),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                content_type=response.headers.get("Content-Type", ""),
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(
                _("Le serveur de %(url)s ne répond pas correctement : %(error)s")
                % {"url": current, "error": exc.__class__.__name__}
            ) from exc
        finally:
            response.release_conn()
            response.close()
            pool.close()
    raise FetchError(
        _("Trop de redirections (plus de %(count)s) depuis %(url)s.")
        % {"count": max_redirects, "url": url}
    )


def _too_large(url: str, max_bytes: int) -> str:
    return _(
        "Le fichier de %(url)s dépasse la taille maximale acceptée (%(size)s Mo) : "
        "téléchargement interrompu. Publiez un calendrier plus court (par exemple "
        "les événements à venir seulement)."
    ) % {"url": url, "size": _megabytes(max_bytes)}
