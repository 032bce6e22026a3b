import pytest
from django.core.exceptions import ValidationError

from comcep import roles
from comcep.models import AuditEvent, Operator, Region
from comcep.roles import Role
from tests import factories


def test_an_operator_manager_can_never_join_the_community(oscar):
    with pytest.raises(ValidationError) as error:
        roles.grant_role(oscar, Role.MEMBER, actor=None)
    assert "hiérarchie" in error.value.messages[0]
    assert not roles.is_community_member(oscar)


def test_a_member_can_never_be_named_operator_manager(alice):
    with pytest.raises(ValidationError):
        roles.name_operator_manager(alice, Operator.objects.get(slug="apec"), actor=None)
    assert not roles.managed_operators(alice).exists()


def test_managers_handle_only_their_own_operator(oscar, olga):
    assert list(roles.managed_operators(oscar).values_list("slug", flat=True)) == ["apec"]
    assert list(roles.managed_operators(olga).values_list("slug", flat=True)) == ["france-travail"]


def test_regional_staff_publish_only_for_their_region(rita):
    assert list(roles.staff_regions(rita)) == [Region.objects.get(code="53")]
    assert not rita.has_perm(roles.PUBLISH_REGION_ACTIONS, Region.objects.get(code="11"))


def test_a_member_has_no_back_office_permission(alice):
    assert not roles.managed_operators(alice).exists()
    assert not roles.staff_regions(alice).exists()


def test_roles_can_combine_except_with_operator_manager(reference_data):
    user = factories.make_member(role=Role.EXPERT)
    roles.name_regional_staff(user, Region.objects.get(code="11"), actor=None)
    assert roles.roles_of(user) == {Role.MEMBER, Role.EXPERT, Role.REGIONAL_STAFF}


def test_granting_a_role_leaves_an_audit_record(paula, reference_data):
    user = factories.make_member()
    roles.grant_role(user, Role.MODERATOR, actor=paula, reason="animera Bretagne")

    event = AuditEvent.objects.filter(action="role.granted", target_id=str(user.pk)).first()
    assert event.actor == paula
    assert event.data == {"role": Role.MODERATOR}
    assert event.reason == "animera Bretagne"


def test_the_audit_log_cannot_be_rewritten_or_erased(paula):
    from django.db import DatabaseError, transaction

    event = AuditEvent.objects.create(actor=paula, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="effacé")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_a_deactivated_account_holds_no_role(alice):
    alice.is_active = False
    alice.save()
    alice.__dict__.pop("_comcep_roles", None)
    assert roles.roles_of(alice) == frozenset()


def test_naming_an_operator_manager_in_the_admin_grants_the_role_and_the_permission(
    client_for, paula, reference_data
):
    from django.urls import reverse

    from tests.factories import UserFactory, with_totp

    newcomer = UserFactory()
    apec = Operator.objects.get(slug="apec")
    paula.is_superuser = True  # the platform team administers the site, as in the demo
    paula.save()
    client = client_for(with_totp(paula))

    response = client.post(reverse("admin:comcep_operatormanagership_add"),
                           {"user": newcomer.pk, "operator": apec.pk, "regions": []})

    assert response.status_code == 302
    assert list(roles.managed_operators(newcomer)) == [apec]
    assert AuditEvent.objects.filter(action="operator_manager.named", actor=paula).exists()

    managership = newcomer.managerships.get()
    client.post(reverse("admin:comcep_operatormanagership_delete", args=[managership.pk]),
                {"post": "yes"})
    newcomer.__dict__.pop("_comcep_roles", None)
    assert not roles.managed_operators(newcomer).exists()


def test_the_admin_refuses_to_name_a_member_operator_manager(client_for, paula, alice):
    from django.urls import reverse

    from tests.factories import with_totp

    paula.is_superuser = True
    paula.save()
    response = client_for(with_totp(paula)).post(
        reverse("admin:comcep_operatormanagership_add"),
        {"user": alice.pk, "operator": Operator.objects.get(slug="apec").pk})

    assert response.status_code == 200
    assert "hiérarchie" in response.content.decode()
    assert not roles.managed_operators(alice).exists()


def test_shared_cache_keys_carry_the_database_name(db):
    from django.db import connection

    from comcep.cache import db_scoped_key

    assert db_scoped_key("forum:unread", 7) == f"forum:unread:{connection.settings_dict['NAME']}:7"
