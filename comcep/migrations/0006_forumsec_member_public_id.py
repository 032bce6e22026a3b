"""Each member gets an opaque public identifier; existing members get one each."""

from django.db import migrations, models

import comcep.models


def fill_public_ids(apps, schema_editor):
    Member = apps.get_model("comcep", "Member")
    taken = set()
    for member in Member.objects.filter(public_id=None).only("pk"):
        public_id = comcep.models.new_public_id()
        while public_id in taken:
            public_id = comcep.models.new_public_id()
        taken.add(public_id)
        Member.objects.filter(pk=member.pk).update(public_id=public_id)


class Migration(migrations.Migration):
    dependencies = [("comcep", "0005_rgpd_datarights")]

    operations = [
        # Nullable first: a column added with a default would give every existing row the same value.
        migrations.AddField(
            model_name="member",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="public_id",
            field=models.CharField(default=comcep.models.new_public_id, editable=False, max_length=16,
                                   unique=True),
        ),
    ]
