"""The rate-limit counters move from participation to core: the table stays as it
is (state only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("participation", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateLimitCounter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("scope", models.CharField(max_length=40)),
                        ("key", models.CharField(max_length=64)),
                        ("window_start", models.DateTimeField()),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "participation_ratelimitcounter",
                        "verbose_name": "compteur anti-abus",
                        "verbose_name_plural": "compteurs anti-abus",
                        "indexes": [
                            models.Index(
                                fields=["window_start"], name="participati_window__4754c1_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("scope", "key", "window_start"),
                                name="ratelimit_one_counter_per_window",
                            )
                        ],
                    },
                )
            ],
            database_operations=[],
        )
    ]
