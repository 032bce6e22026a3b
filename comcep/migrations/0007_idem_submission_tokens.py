"""One row per use of a form that creates something, so that a second use creates nothing."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comcep", "0006_forumsec_member_public_id")]

    operations = [
        migrations.CreateModel(
            name="SubmissionToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("token", models.CharField(max_length=64, unique=True)),
                ("scope", models.CharField(max_length=120)),
                ("digest", models.CharField(blank=True, max_length=64)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("result", models.CharField(blank=True, max_length=300)),
                ("user", models.ForeignKey(blank=True, null=True,
                                           on_delete=django.db.models.deletion.CASCADE,
                                           related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
