import django.db.models.deletion
from django.db import migrations, models

BATCH = 500


def fill_name_keys(apps, schema_editor):
    """Give the applications already there their folded name, so that their refusals count."""
    from enrolment.models import fold_name

    Application = apps.get_model("enrolment", "Application")
    rows = Application.objects.filter(name_key="").exclude(first_name="", last_name="")
    batch = []
    for application in rows.only("pk", "first_name", "last_name").iterator(chunk_size=BATCH):
        application.name_key = fold_name(application.first_name, application.last_name)
        batch.append(application)
        if len(batch) >= BATCH:
            Application.objects.bulk_update(batch, ["name_key"])
            batch = []
    Application.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0002_events_append_only")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=320),
        ),
        # A nullable column without a default: adding it rewrites no row, so the append-only
        # trigger on the events is not involved.
        migrations.AddField(
            model_name="applicationevent",
            name="related_application",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="enrolment.application",
            ),
        ),
        # Going back drops the column, which takes the keys with it.
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
    ]
