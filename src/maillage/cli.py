"""The one console script, ``maillage``: Django's management commands and the project's own.

``maillage import-communes`` and ``maillage import_communes`` are the same
command (also after ``help``): hyphens are how people type, underscores how
Python names modules.
"""

from __future__ import annotations

import os
import sys

# What a database that was never migrated answers, on SQLite and on PostgreSQL.
_NOT_MIGRATED = ("no such table", "does not exist")


def command_name(word: str) -> str:
    return word.replace("-", "_")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = command_name(argv[1])
        if argv[1] == "help" and len(argv) > 2 and not argv[2].startswith("-"):
            argv[2] = command_name(argv[2])
    # Serving is production unless the operator says otherwise (`make demo`
    # passes the development settings with DJANGO_DEBUG=0): a server never shows
    # a traceback by default. Every other command works on the local SQLite
    # database with the development settings.
    serving = len(argv) > 1 and argv[1] == "serve"
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "maillage.config.settings.prod" if serving else "maillage.config.settings.dev",
    )
    argv[0] = "maillage"
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        if not any(words in str(exc) for words in _NOT_MIGRATED) or argv[1:2] == ["migrate"]:
            raise
        from django.conf import settings

        database = settings.DATABASES["default"]
        where = database["NAME"] if "sqlite" in database["ENGINE"] else database.get("HOST") or ""
        sys.stderr.write(
            f"maillage: la base de données ({where}) n'est pas créée ou pas à jour ({exc}).\n"
            "Lancez d'abord « maillage migrate » (avec le même DATABASE_URL ou MAILLAGE_DATA_DIR).\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
