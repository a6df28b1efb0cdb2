"""Errors in open-data files that name the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (file, physical line, field) and what."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(_("ligne %(line)s") % {"line": self.line})
        if self.field:
            where.append(_("champ « %(field)s »") % {"field": self.field})
        return f"{', '.join(where)} : {self.message}"


class DataError(ValueError):
    """A source file cannot be imported as it is; nothing was imported."""

    #: how many problems the message lists before "and N more"
    shown = 20

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[: self.shown]]
        more = len(self.problems) - self.shown
        if more > 0:
            lines.append(_("… et %(count)s autres problèmes.") % {"count": more})
        super().__init__("\n".join(lines))

    @classmethod
    def single(cls, file: str, line: int | None, field: str | None, message: str) -> DataError:
        return cls([Problem(file, line, field, message)])
