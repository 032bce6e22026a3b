from django.db import migrations

from comcep.reference import NATIONAL_OPERATORS, REGIONS

ROLES = ["member", "expert", "moderator", "operator_manager", "regional_staff", "platform_manager"]


def load(apps, schema_editor):
    Region = apps.get_model("comcep", "Region")
    Operator = apps.get_model("comcep", "Operator")
    Group = apps.get_model("auth", "Group")
    for code, name, overseas in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name, "overseas": overseas})
    for slug, name, former_name, domains in NATIONAL_OPERATORS:
        Operator.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "former_name": former_name, "email_domains": domains,
                      "kind": "national"},
        )
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def unload(apps, schema_editor):
    # Reference rows are kept: members and applications point at them.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("comcep", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, unload)]
