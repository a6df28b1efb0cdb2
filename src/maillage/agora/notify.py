"""The one place the agora sends mail: followers told of a step in an idea's life.

Sent today through the project's mail path (``accounts.mail.send_templated``,
Django's SMTP backend), one message per follower so that no one sees the
others' addresses. When the mail queue is merged, this function is the only
one to switch to it.
"""

from __future__ import annotations

from maillage.accounts.mail import absolute, send_templated


def tell_followers(idea, step, addresses: list[str]) -> int:
    """E-mail ``addresses`` that ``idea`` reached ``step``; returns how many were accepted."""
    context = {
        "idea": idea,
        "step": step,
        "idea_url": absolute(idea.get_absolute_url()),
        "event_url": absolute(step.occurrence.get_absolute_url()) if step.occurrence else "",
    }
    return sum(send_templated([address], "agora/emails/step", context) for address in addresses)
