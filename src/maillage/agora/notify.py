"""The one place the agora sends mail: followers told of a step in an idea's life.

Through the mail queue (``maillage.core.mail.enqueue``): queued in the
transaction that records the step, sent by ``maillage worker``, one message per
follower so that no one sees the others' addresses.
"""

from __future__ import annotations

from maillage.core import mail
from maillage.core.mail import absolute


def tell_followers(idea, step, addresses: list[str]) -> int:
    """Queue a message to each of ``addresses`` that ``idea`` reached ``step``; returns how many."""
    context = {
        "idea": idea,
        "step": step,
        "idea_url": absolute(idea.get_absolute_url()),
        "event_url": absolute(step.occurrence.get_absolute_url()) if step.occurrence else "",
    }
    return len(mail.enqueue(addresses, "agora/emails/step", context))
