"""A real SMTP server for tests: mail goes through Django's SMTP backend to aiosmtpd.

Registered by ``tests/conftest.py`` (``pytest_plugins``). Use the ``mailbox``
fixture: it points Django's e-mail settings at a loopback aiosmtpd server on a
free port and collects what the server receives, parsed by the ``email``
package::

    def test_reset(client, mailbox):
        ...
        message = mailbox.only(to="ana@example.org")
        assert "mot de passe" in message["Subject"]
        link = mailbox.links(message)[0]
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

URL = re.compile(r"https?://[^\s<>\"']+")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Messages received by the test SMTP server, oldest first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    # aiosmtpd handler hook
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope went to ``address``."""
        address = address.lower()
        return [
            message
            for message, (_sender, recipients) in zip(self.messages, self.envelopes, strict=True)
            if address in (r.lower() for r in recipients)
        ]

    def only(self, to: str | None = None) -> EmailMessage:
        """The one message received (sent to ``to``); fails if there are none or several."""
        found = self.to(to) if to else list(self.messages)
        assert len(found) == 1, f"expected one message{f' to {to}' if to else ''}, got {len(found)}"
        return found[0]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""

    def links(self, message: EmailMessage) -> list[str]:
        return URL.findall(self.body(message))


@pytest.fixture(scope="session")
def smtp_server():
    """One aiosmtpd server for the session, on 127.0.0.1 and a free port."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings) -> Mailbox:
    """Django sends through SMTP to the test server; the mailbox starts empty."""
    controller, box = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    box.clear()
    yield box
    box.clear()
