"""The rate-limit counters now belong to maillage.core (state only: same table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial"), ("core", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateLimitCounter")],
            database_operations=[],
        )
    ]
