"""The one console script, ``maillage``: Django's management commands and the project's own.

``maillage import-communes`` and ``maillage import_communes`` are the same
command: hyphens are how people type, underscores how Python names modules.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
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

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
