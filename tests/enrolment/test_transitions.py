"""The state machine: every allowed move, every forbidden one, and what each move does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.utils import DatabaseError

from comcep.models import Member, OutboxMessage
from comcep.roles import Role, has_role
from enrolment import transitions
from enrolment.models import Application, ApplicationEvent, Status
from tests import factories
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db

ALL_STATES = list(Status.values)


def _call(action: str, application: Application, actor):
    text = "Motif rédigé."
    calls = {
        "confirm_email": lambda: transitions._move(application, "confirm_email", actor=None),
        "waitlist": lambda: transitions._move(application, "waitlist", actor=None),
        "release": lambda: transitions.release(application, actor=actor),
        "approve": lambda: transitions.approve(application, actor=actor),
        "refuse": lambda: transitions.refuse(application, actor=actor, category="other", text=text),
        "appeal": lambda: transitions.appeal(application, text=text),
        "request_reason": lambda: transitions.request_reason(application, actor=actor),
        "give_reason": lambda: transitions.give_reason(application, actor=actor, text=text),
        "uphold": lambda: transitions.uphold(application, actor=actor, text=text),
        "overturn": lambda: transitions.overturn(application, actor=actor, text=text),
        "end_membership": lambda: transitions.end_membership(
            application, actor=actor, category="left_operator", text=text),
    }
    return calls[action]()


@pytest.mark.parametrize("status", ALL_STATES)
@pytest.mark.parametrize("action", list(transitions.TRANSITIONS))
def test_every_move_is_allowed_exactly_from_its_source_states(reference_data, status, action):
    application = make_application(status=status)
    sources, target, _who = transitions.TRANSITIONS[action]
    actor = factories.make_platform_manager()
    events_before = ApplicationEvent.objects.filter(application=application).count()

    if status in sources:
        event = _call(action, application, actor)
        application.refresh_from_db()
        assert application.status == target
        assert (event.from_status, event.to_status, event.action) == (status, target, action)
    else:
        with pytest.raises(transitions.TransitionError):
            _call(action, application, actor)
        application.refresh_from_db()
        assert application.status == status
        assert ApplicationEvent.objects.filter(application=application).count() == events_before


def test_the_table_leads_from_submitted_to_every_state():
    reachable, frontier = {Status.SUBMITTED}, [Status.SUBMITTED]
    while frontier:
        state = frontier.pop()
        for sources, target, _who in transitions.TRANSITIONS.values():
            if state in sources and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(Status.values)


def test_upheld_is_final_and_an_ended_membership_may_only_be_appealed():
    assert transitions.allowed_actions(Status.UPHELD) == set()
    assert transitions.allowed_actions(Status.ENDED) == {"appeal"}


def test_approval_admits_the_person_without_a_pseudonym_yet(reference_data, oscar):
    application = make_application(status=Status.PENDING)

    transitions.approve(application, actor=oscar)

    user = application.user
    assert has_role(user, Role.MEMBER)
    member = Member.objects.get(user=user)
    assert (member.operator, member.region) == (application.operator, application.region)
    assert member.structure.name == "Centre Apec de Nantes"
    assert member.pseudonym == ""
    assert OutboxMessage.objects.filter(kind="enrolment_admitted", to_email=application.email).exists()


def test_a_refusal_needs_a_category_and_a_text(reference_data, oscar):
    application = make_application(status=Status.PENDING)

    with pytest.raises(transitions.TransitionError):
        transitions.refuse(application, actor=oscar, category="other", text="   ")
    with pytest.raises(transitions.TransitionError):
        transitions.refuse(application, actor=oscar, category="", text="Motif")
    application.refresh_from_db()
    assert application.status == Status.PENDING


def test_a_refusal_emails_the_reason_and_a_signed_appeal_link(reference_data, oscar):
    application = make_application(status=Status.PENDING)

    transitions.refuse(application, actor=oscar, category="unknown", text="Inconnue à Nantes.")

    email = OutboxMessage.objects.get(kind="enrolment_refused")
    assert "Inconnue à Nantes." in email.body_text
    assert "/candidature/appel/" in email.body_text


def test_a_stale_copy_cannot_decide_twice(reference_data, oscar, olga):
    application = make_application(status=Status.PENDING)
    stale = Application.objects.get(pk=application.pk)

    transitions.approve(application, actor=oscar)

    with pytest.raises(transitions.AlreadyDecided) as lost:
        transitions.refuse(stale, actor=oscar, category="other", text="Trop tard")
    assert "déjà été traitée" in lost.value.message
    assert ApplicationEvent.objects.filter(application=application, action__in=["approve", "refuse"]
                                           ).count() == 1


def test_an_overturned_refusal_admits_the_person(reference_data, paula):
    application = make_application(status=Status.REASON_GIVEN, platform_manager=paula)

    transitions.overturn(application, actor=paula, text="Contrat vérifié.")

    assert has_role(application.user, Role.MEMBER)
    assert OutboxMessage.objects.filter(kind="enrolment_appeal_outcome",
                                        subject__contains="accepté").exists()


def test_ending_a_membership_deactivates_the_account_and_keeps_the_member(reference_data, oscar):
    application = make_application(status=Status.ADMITTED, manager=oscar)
    member = Member.objects.get(user=application.user)

    transitions.end_membership(application, actor=oscar, category="left_operator", text="Départ.")

    application.user.refresh_from_db()
    assert application.user.is_active is False
    assert Member.objects.filter(pk=member.pk).exists()


def test_the_history_is_append_only_in_the_database(reference_data):
    application = make_application(status=Status.PENDING)
    event = application.events.first()

    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE enrolment_applicationevent SET text = 'falsifié' WHERE id = %s",
                       [event.pk])


def test_acting_on_an_application_someone_already_moved_on_says_so(reference_data, oscar):
    application = make_application(status=Status.ADMITTED, manager=oscar)

    with pytest.raises(transitions.AlreadyDecided):
        transitions.refuse(application, actor=oscar, category="other", text="Trop tard")


def test_acting_before_the_application_got_there_is_simply_not_allowed(reference_data, oscar):
    application = make_application(status=Status.SUBMITTED)

    with pytest.raises(transitions.TransitionError) as refused:
        transitions.approve(application, actor=oscar)
    assert not isinstance(refused.value, transitions.AlreadyDecided)
