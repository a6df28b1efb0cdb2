"""A real SMTP server for tests: mail goes through Django's SMTP backend to aiosmtpd.

Registered by ``tests/conftest.py`` (``pytest_plugins``). Use the ``mailbox``
fixture: it points Django's e-mail settings at a loopback aiosmtpd server on a
free port and collects what the server receives, parsed by the ``email``
package. The platform queues its e-mails (``maillage.core.mail``): a test
runs the worker with ``mailbox.deliver()`` before it reads what arrived::

    def test_reset(client, mailbox):
        ...
        mailbox.deliver()  # the worker sends what the request queued
        message = mailbox.only(to="ana@example.org")
        assert "mot de passe" in message["Subject"]
        link = mailbox.links(message)[0]

The server can misbehave on demand: ``mailbox.stop()`` / ``mailbox.start()``
(connection refused in between), ``mailbox.slow(seconds)`` (per message),
``mailbox.answer("451 4.3.0 ...")`` (refuse every message with that reply;
``None`` to accept again), ``mailbox.hold_after(n)`` (freeze the conversation
of the message after the n-th, before it is transmitted). ``mailbox.connections``
counts the SMTP connections opened.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

URL = re.compile(r"https?://[^\s<>\"']+")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _CountingSMTP(SMTP):
    def connection_made(self, transport):
        self.event_handler.connections += 1
        super().connection_made(transport)


class _Controller(Controller):
    def factory(self):
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


class Mailbox:
    """Messages received by the test SMTP server, oldest first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        self.controller: Controller | None = None
        self.port = _free_port()
        self.reset_behaviour()

    def reset_behaviour(self) -> None:
        self.connections = 0
        self.delay = 0.0
        self.reply: str | None = None
        self.hold_at: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.hold_at is not None and len(self.messages) >= self.hold_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply is not None:
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    # the server's moods
    def start(self) -> None:
        if self.controller is None:
            self.controller = _Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.release.set()
            self.controller.stop()
            self.controller = None

    def slow(self, seconds: float) -> None:
        self.delay = seconds

    def answer(self, reply: str | None) -> None:
        self.reply = reply

    def hold_after(self, count: int) -> None:
        self.hold_at = count
        self.held.clear()
        self.release.clear()

    MOODS = ("stopped", "slow", "451")

    def misbehave(self, mood: str) -> None:
        """``stopped``: connection refused; ``slow``: 5 s per message; ``451``: refuses
        every message with a temporary error."""
        if mood == "stopped":
            self.stop()
        elif mood == "slow":
            self.slow(5.0)
        elif mood == "451":
            self.answer("451 4.3.0 Mailbox temporarily unavailable")
        else:
            raise ValueError(mood)

    def recover(self) -> None:
        self.start()
        self.slow(0)
        self.answer(None)

    def recipients(self) -> list[str]:
        """Every envelope recipient received, one entry per message and recipient."""
        return [r.lower() for _sender, rcpts in self.envelopes for r in rcpts]

    def ride_out(self, mood: str, clock, expected: list[str]) -> None:
        """After a request made while the server was in ``mood``: the worker tries
        (and fails, unless the server is only slow), the server comes back, the
        retries come due, and every expected address gets exactly one message,
        alone on its envelope."""
        import datetime as dt

        from maillage.core.models import OutboundMessage

        if mood != "slow":  # a slow server would only make the test slow
            self.deliver()
            assert self.messages == []
            waiting = OutboundMessage.objects.filter(status="queued")
            assert waiting.count() == len(expected)
            assert all(row.attempts == 1 and row.last_error for row in waiting)
        self.recover()
        clock.shift(dt.timedelta(hours=1))  # past the first retry's backoff
        self.deliver()
        assert sorted(self.recipients()) == sorted(a.lower() for a in expected)
        assert all(len(rcpts) == 1 for _sender, rcpts in self.envelopes)
        assert not OutboundMessage.objects.exclude(status="sent").exists()
        self.deliver()  # nothing is left to send twice
        assert len(self.messages) == len(expected)

    # the worker
    def deliver(self) -> int:
        """Run one turn of ``maillage worker`` in this process: send the due
        messages, then run the ready tasks. Returns how many messages and tasks
        were handled. What the SMTP server refused stays queued for its retry."""
        from maillage.core import mail
        from maillage.core.worker import turn

        try:
            return turn()
        finally:
            mail.close()

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
    mailbox.start()
    try:
        yield mailbox
    finally:
        mailbox.stop()


@pytest.fixture
def mailbox(smtp_server, settings) -> Mailbox:
    """Django sends through SMTP to the test server; the mailbox starts empty."""
    box = smtp_server
    box.start()
    box.reset_behaviour()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = box.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    box.clear()
    yield box
    box.reset_behaviour()
    box.start()
    box.clear()
