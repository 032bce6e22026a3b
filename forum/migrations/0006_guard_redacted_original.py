from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0005_csp_table_alignment"),
    ]

    operations = [
        migrations.AddField(
            model_name="moderationaction",
            name="original_body",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="action",
            field=models.CharField(
                choices=[
                    ("hide", "message masqué"), ("restore", "message rétabli"),
                    ("dismiss", "signalements écartés"), ("lock", "sujet verrouillé"),
                    ("unlock", "sujet déverrouillé"), ("pin", "sujet épinglé"),
                    ("unpin", "sujet désépinglé"), ("move", "sujet déplacé"),
                    ("merge", "sujets fusionnés"), ("redact", "passage masqué"),
                ],
                max_length=10,
            ),
        ),
    ]
