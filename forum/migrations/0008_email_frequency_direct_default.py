"""What concerns a member directly is emailed at once by default, the rest in the daily digest.

Existing members keep an explicit choice. Nothing records whether a member picked "résumé
quotidien" or merely kept the old default (a profile row is also created by opening the
notifications page), so every "daily" profile moves to the new default, which still puts
everything else in that daily digest; going back puts every "direct" profile on "daily".
Members without a profile need nothing: the field's default applies to them.
"""

from django.db import migrations, models


def to_direct(apps, schema_editor):
    ForumProfile = apps.get_model("forum", "ForumProfile")
    ForumProfile.objects.filter(email_frequency="daily").update(email_frequency="direct")


def to_daily(apps, schema_editor):
    ForumProfile = apps.get_model("forum", "ForumProfile")
    ForumProfile.objects.filter(email_frequency="direct").update(email_frequency="daily")


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0007_resource_citation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="forumprofile",
            name="email_frequency",
            field=models.CharField(
                choices=[("direct", "ce qui me concerne tout de suite, le reste en résumé quotidien"),
                         ("immediately", "à chaque notification"), ("daily", "résumé quotidien"),
                         ("weekly", "résumé hebdomadaire"), ("never", "jamais")],
                default="direct", max_length=12, verbose_name="recevoir les notifications par e-mail",
            ),
        ),
        migrations.RunPython(to_direct, to_daily, elidable=False),
    ]
