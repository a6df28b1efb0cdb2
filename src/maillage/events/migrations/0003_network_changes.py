"""Events at a mobile unit are its dated stops: a change to them bumps the network's
version (see maillage.places.network_sql)."""

from django.db import migrations

from maillage.places import network_sql

TABLES = (
    ("events_event", "place_id"),
    ("events_occurrence", "event_id", "event"),
)


def install(apps, schema_editor):
    network_sql.install(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    network_sql.uninstall(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_newsletter"),
        ("places", "0005_network_version"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
