"""Production readiness: the deploy checks, the console script, backups that restore."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from maillage.places.models import Function, Place

MAILLAGE = str(Path(sys.executable).parent / "maillage")


def run_maillage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment as an operator would have: no settings module, and not the
    # async-safety switch that the browser tests set in this process.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [MAILLAGE, *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = run_maillage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="maillage.config.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        MAILLAGE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    environment = {"MAILLAGE_DATA_DIR": str(tmp_path)}
    result = run_maillage(
        "check", DJANGO_SETTINGS_MODULE="maillage.config.settings.prod", **environment
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_console_script_lists_the_projects_commands():
    result = run_maillage("help")
    assert result.returncode == 0, result.stderr
    for command in ("serve", "migrate"):
        assert command in result.stdout


def test_console_script_accepts_hyphenated_command_names():
    result = run_maillage("remove-stale-contenttypes", "--help")
    assert result.returncode == 0, result.stderr


def test_help_on_a_hyphenated_command_shows_that_command():
    result = run_maillage("help", "import-communes")
    assert result.returncode == 0, result.stderr
    assert "--dept" in result.stdout and "Unknown command" not in result.stderr


def test_a_command_on_a_database_never_migrated_says_to_migrate_first(tmp_path):
    result = run_maillage(
        "coverage",
        "--dept",
        "48",
        DATABASE_URL=f"sqlite:///{tmp_path}/new.sqlite3",
        MAILLAGE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 1
    assert "maillage migrate" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_backup_restores_into_a_new_database(tmp_path):
    if not shutil.which("pg_dump"):
        raise RuntimeError(
            "pg_dump is needed for the backup test (apt-get install postgresql-client)"
        )
    Place.objects.create(name="Lieu sauvegardé", slug="lieu-sauvegarde", type="tiers-lieu")
    settings = connection.settings_dict
    conninfo = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": str(settings["PORT"] or 5432),
        "user": settings["USER"] or "postgres",
    }
    dump = tmp_path / "maillage.dump"
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            "-h",
            conninfo["host"],
            "-p",
            conninfo["port"],
            "-U",
            conninfo["user"],
            "-f",
            str(dump),
            settings["NAME"],
        ],
        check=True,
        timeout=120,
    )
    restored = f"{settings['NAME']}_restored"
    admin = psycopg.connect(dbname="postgres", autocommit=True, **conninfo)
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "-h",
                conninfo["host"],
                "-p",
                conninfo["port"],
                "-U",
                conninfo["user"],
                "-d",
                restored,
                str(dump),
            ],
            check=True,
            timeout=120,
        )
        with psycopg.connect(dbname=restored, **conninfo) as copy:
            names = [row[0] for row in copy.execute("SELECT name FROM places_place")]
            functions = copy.execute("SELECT count(*) FROM places_function").fetchone()[0]
        assert names == ["Lieu sauvegardé"]
        assert functions == Function.objects.count()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()


def test_a_newcomers_first_migrate_creates_the_sqlite_database_and_its_folder(tmp_path):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "MAILLAGE_DATA_DIR",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    result = subprocess.run(
        [MAILLAGE, "migrate", "--noinput", "-v", "0"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "maillage.sqlite3").stat().st_size > 0
