"""How far along a long command is: a progress bar on a terminal, one line per step otherwise.

A command that can run for more than a couple of seconds creates a :class:`Progress` on
its standard error and calls :meth:`Progress.step` when a step begins and
:meth:`Progress.detail` to say where the current step stands (a solver's bound and gap,
for instance). On a terminal this is one tqdm bar (a dependency already: the downloads
and importers use it); in a log, a pipe or a test it is plain lines::

    [2/4] Recherche des sites… (1,2 s)
          borne lagrangienne : 33 % du budget, 47 448 356 personnes, borne 47 750 625, écart 0,63 %

Functions that do the work take a ``progress`` argument and call it; :data:`SILENT`
(the default) does nothing, so that the API and the pages stay quiet.
"""

from __future__ import annotations

import time
from typing import IO, Any

from tqdm import tqdm


class Progress:
    """Steps and details of a long task, written to ``stream``.

    ``steps``: how many steps the task has (for "[2/4]" and the bar's length).
    ``tty``: draw a bar (None: when ``stream`` is a terminal). ``every``: in line
    mode, at most one detail line per that many seconds within a step (a step's first
    detail and :meth:`detail` with ``force=True`` are always written)."""

    def __init__(
        self,
        stream: IO[str] | Any | None,
        steps: int,
        *,
        title: str = "",
        tty: bool | None = None,
        every: float = 2.0,
    ) -> None:
        # a Django OutputWrapper adds a line ending to every write: a bar needs the stream
        self.stream = getattr(stream, "_out", stream)
        self.enabled = stream is not None
        self.steps = max(1, int(steps))
        self.n = 0
        self.every = every
        self.t0 = time.monotonic()
        self._last_detail = -1e9
        self._details_in_step = 0
        self.tty = bool(
            self.enabled
            and (tty if tty is not None else getattr(self.stream, "isatty", lambda: False)())
        )
        self.bar = (
            tqdm(
                total=self.steps,
                file=self.stream,
                desc=title,
                leave=False,
                bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]{postfix}",
            )
            if self.tty
            else None
        )

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()

    def step(self, label: str) -> None:
        """A new step begins (the previous one, if any, is done)."""
        if not self.enabled:
            return
        self.n += 1
        self._details_in_step = 0
        if self.bar is not None:
            self.bar.n = self.n - 1
            self.bar.set_description_str(label, refresh=False)
            self.bar.set_postfix_str("", refresh=False)
            self.bar.refresh()
        else:
            secs = f"{self.elapsed():.1f}".replace(".", ",")
            self._line(f"[{self.n}/{self.steps}] {label} ({secs} s)")

    def detail(self, text: str, *, force: bool = False) -> None:
        """Where the current step stands: the bar's postfix, or an indented line."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(text)
            return
        now = time.monotonic()
        if force or self._details_in_step == 0 or now - self._last_detail >= self.every:
            self._last_detail = now
            self._details_in_step += 1
            self._line(f"      {text}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.n = self.steps
            self.bar.close()
            self.bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: a progress that writes nothing (the default of the functions that accept one)
SILENT = Progress(None, 1)
