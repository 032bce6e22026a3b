import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import comcep.models


class Migration(migrations.Migration):
    dependencies = [("comcep", "0004_search_functions")]

    operations = [
        migrations.CreateModel(
            name="LegalDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("kind", models.CharField(choices=[("charter", "charte de la communauté"),
                                                   ("privacy", "notice de confidentialité")],
                                          max_length=10)),
                ("version", models.PositiveIntegerField()),
                ("body", models.TextField(verbose_name="texte (Markdown)")),
                ("body_html", models.TextField(editable=False)),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("published_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "document légal",
                "verbose_name_plural": "documents légaux",
                "ordering": ["kind", "-version"],
                "constraints": [models.UniqueConstraint(fields=("kind", "version"),
                                                        name="legal_document_version_unique")],
            },
        ),
        migrations.CreateModel(
            name="CharterAcceptance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("accepted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                               related_name="+", to="comcep.legaldocument")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="charter_acceptances",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("user", "document"),
                                                        name="one_acceptance_per_version")],
            },
        ),
        migrations.CreateModel(
            name="DataExport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("status", models.CharField(choices=[("pending", "en préparation"), ("ready", "prêt"),
                                                     ("failed", "échec")],
                                            default="pending", max_length=10)),
                ("file", models.FileField(blank=True, max_length=200,
                                          upload_to=comcep.models.export_path)),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("ready_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.TextField(blank=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="data_exports", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.CreateModel(
            name="ClosedAccount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("closed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("by_member", models.BooleanField(default=True)),
                ("posts_kept", models.BooleanField(default=True)),
                ("purge_after", models.DateTimeField()),
                ("purged_at", models.DateTimeField(blank=True, null=True)),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="closure", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [models.Index(condition=models.Q(("purged_at", None)),
                                         fields=["purge_after"], name="closed_account_due_idx")],
            },
        ),
    ]
