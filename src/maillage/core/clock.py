"""The one place the platform asks what time it is.

Every "now" and "today" in the code comes from here, so that a test (or a
command replaying a day) freezes time in one place: tests travel with
time-machine, which moves ``datetime`` itself, and these functions follow.
Code that can be asked about another moment takes ``now`` as a parameter and
falls back on :func:`now`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# The territory's civil time. Lozère, like all of metropolitan France, lives in
# Europe/Paris; a territory elsewhere changes TIME_ZONE and this follows.
PARIS = ZoneInfo("Europe/Paris")


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def local_now() -> dt.datetime:
    """The current moment in the territory's civil time."""
    return now().astimezone(PARIS)


def today() -> dt.date:
    """Today's date in the territory (not the server's UTC date: 00:30 in Mende is still 'today')."""
    return local_now().date()
