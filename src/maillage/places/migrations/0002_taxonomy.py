from django.db import migrations


def forwards(apps, schema_editor):
    from maillage.places.taxonomy import sync_taxonomy

    sync_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
