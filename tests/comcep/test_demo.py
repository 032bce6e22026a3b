from django.core.management import call_command

from comcep.models import Member, User
from comcep.roles import Role
from conversations.models import Message


def test_seed_demo_gives_every_role_an_account_and_runs_twice_without_duplicates(
    reference_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the demo videos are written here
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Member.objects.count(), Message.objects.count())
    call_command("seed_demo", verbosity=0)

    assert (User.objects.count(), Member.objects.count(), Message.objects.count()) == counts
    assert counts[2] > 0  # the demo members have private conversations
    for role in Role.ALL:
        assert User.objects.filter(groups__name=role).exists(), role
    assert User.objects.filter(groups__name=Role.OPERATOR_MANAGER).count() == 5
    assert Member.objects.exclude(pseudonym="").count() >= 22
    # An operator manager never holds a member profile.
    assert not Member.objects.filter(user__groups__name=Role.OPERATOR_MANAGER).exists()
