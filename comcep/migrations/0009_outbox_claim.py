from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comcep", "0007_escrow_audit_member")]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[("pending", "en attente"), ("sending", "en cours d'envoi"), ("sent", "envoyé"),
                         ("failed", "abandonné")],
                default="pending", max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(condition=models.Q(("status", "sending")), fields=["claimed_at"],
                               name="outbox_sending_idx"),
        ),
    ]
