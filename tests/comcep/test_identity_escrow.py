"""The identity escrow, from the side of staff who would like to know who is behind a pseudonym.

A canary counsellor, "Camille Canary", posts as "Hibou-Canari". Every page of the admin and
of the managers' areas is crawled as each staff role: no page shows both names, moderators
see no real name, operator managers no pseudonym. Lifting the pseudonym takes two platform
managers, is shown once, is audited at every step, and the member is told.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from comcep import audit, disclosures, services
from comcep.models import (
    AuditEvent,
    DisclosureState,
    IdentityDisclosure,
    LegalGround,
    Member,
    OutboxMessage,
)
from comcep.roles import Role
from enrolment.models import Status
from forum import services as forum_services
from forum.models import Category
from tests import factories
from tests.conftest import wait_until
from tests.enrolment.factories import make_application
from tests.factories import with_totp

pytestmark = pytest.mark.django_db

REAL_NAMES = ("Camille", "Canary", "camille.canary@apec.fr")
PSEUDONYM = "Hibou-Canari"
ROOT = Path(__file__).resolve().parents[2]


# --- The canary and the staff ---------------------------------------------------------------


@pytest.fixture
def canary(reference_data, oscar):
    """Admitted through the real workflow (so the operator's pages know her), then pseudonymous."""
    application = make_application(status=Status.ADMITTED, operator_slug="apec", region_code="52",
                                   first_name="Camille", last_name="Canary",
                                   email="camille.canary@apec.fr", manager=oscar)
    member = Member.objects.get(user=application.user)
    services.set_pseudonym(member, PSEUDONYM)
    application.user.refresh_from_db()
    return application.user


@pytest.fixture
def pierre(reference_data):
    """A second platform manager, the other pair of eyes."""
    return with_totp(factories.make_platform_manager(first_name="Pierre", last_name="Second"))


@pytest.fixture
def manager(paula):
    return with_totp(paula)


@pytest.fixture
def superuser(reference_data):
    from comcep.models import User

    return User.objects.create_superuser("racine@comcep.fr", factories.PASSWORD,
                                         first_name="Root", last_name="Admin")


@pytest.fixture
def community_traces(canary, alice, mod):
    """What the canary leaves in the community: a topic, a flagged reply, a moderated post."""
    category = Category.objects.create(slug="echanges", name="Échanges de pratiques", position=0)
    topic = forum_services.create_topic(actor=canary.member, category=category,
                                        title="Entretiens de bilan", body="Mon expérience.",
                                        rate_limit=False)
    post = forum_services.create_post(actor=canary.member, topic=topic, body="Une réponse vive.",
                                      rate_limit=False)
    forum_services.flag_post(actor=alice.member, post=post, reason="other", text="À relire")
    hidden = forum_services.create_post(actor=canary.member, topic=topic, body="À masquer.",
                                        rate_limit=False)
    forum_services.hide_post(actor=mod.member, post=hidden, reason="Hors charte")
    return topic


def _file(requester, member, **extra):
    fields = {"ground": LegalGround.JUDICIAL, "ground_text": "Réquisition nº 2026/42",
              "content_url": "/forum/message/1/", **extra}
    return disclosures.file_request(requester=requester, member=member, **fields)


@pytest.fixture
def revealed(canary, manager, pierre):
    disclosure = _file(manager, canary.member)
    disclosures.decide(disclosure, approver=pierre, approve=True)
    disclosures.reveal(disclosure, viewer=manager)
    return disclosure


@pytest.fixture
def waiting(canary, pierre):
    return _file(pierre, canary.member, ground=LegalGround.THREAT)


# --- The crawl ------------------------------------------------------------------------------


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        # Every row, those the admin's list leaves out included: a change form must not leak either.
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:60]:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
    return urls


def _named_patterns(namespace: str):
    resolver = get_resolver()
    _prefix, sub = resolver.namespace_dict[namespace]
    for pattern in sub.url_patterns:
        if isinstance(pattern, URLPattern):
            yield pattern
        elif isinstance(pattern, URLResolver):  # pragma: no cover - no nested includes today
            yield from pattern.url_patterns


def _manager_urls(application_pk: int, disclosure_pks: list[int]) -> list[str]:
    """Every page of the operator managers' and platform managers' areas (GET)."""
    urls = []
    for pattern in _named_patterns("enrolment"):
        name = pattern.name
        if not (name.startswith(("operator_", "platform_")) or name in ("regions", "invite")):
            continue
        args = [application_pk] if "<int:pk>" in str(pattern.pattern) else []
        urls.append(reverse(f"enrolment:{name}", args=args))
    for pattern in _named_patterns("disclosures"):
        if "<int:pk>" in str(pattern.pattern):
            urls += [reverse(f"disclosures:{pattern.name}", args=[pk]) for pk in disclosure_pks]
        else:
            urls.append(reverse(f"disclosures:{pattern.name}"))
    return urls


def _moderator_urls(topic) -> list[str]:
    return [reverse("forum:moderation"), reverse("forum:moderation_log"),
            reverse("forum:topic", args=[topic.pk]), reverse("forum:index")]


def _crawl(client, urls):
    pages = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            pages[url] = response.content.decode()
        else:
            assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
    return pages


def _shows_real_identity(body: str) -> bool:
    return any(name in body for name in REAL_NAMES)


def test_the_crawl_finds_the_canary_where_it_should(client_for, canary, community_traces, oscar,
                                                    mod, superuser):
    """The crawl is not blind: it reaches pages where each name legitimately is."""
    admin_pages = _crawl(client_for(superuser), _admin_urls())
    assert any(_shows_real_identity(body) for body in admin_pages.values())
    operator_pages = _crawl(client_for(with_totp(oscar)),
                            _manager_urls(canary.application.pk, []))
    assert any(_shows_real_identity(body) for body in operator_pages.values())
    moderator_pages = _crawl(client_for(mod), _moderator_urls(community_traces))
    assert any(PSEUDONYM in body for body in moderator_pages.values())


@pytest.mark.parametrize("role", ["superuser", "platform_manager", "operator_manager", "moderator"])
def test_no_staff_page_links_the_pseudonym_to_the_person(role, client_for, canary, community_traces,
                                                         revealed, waiting, manager, oscar, mod,
                                                         superuser):
    viewer = {"superuser": superuser, "platform_manager": manager,
              "operator_manager": with_totp(oscar), "moderator": mod}[role]
    urls = _admin_urls() + _manager_urls(canary.application.pk, [revealed.pk, waiting.pk])
    if role == "moderator":
        urls += _moderator_urls(community_traces)
    pages = _crawl(client_for(viewer), urls)
    assert pages, "the crawl reached no page"
    for url, body in pages.items():
        assert not (PSEUDONYM in body and _shows_real_identity(body)), url
        if role == "moderator":
            assert not _shows_real_identity(body), url
        if role in ("operator_manager", "platform_manager", "superuser"):
            assert PSEUDONYM not in body, url


# --- Four eyes and who may knock at the door ---------------------------------------------------


def test_the_requester_cannot_approve_their_own_request(client_for, canary, manager):
    disclosure = _file(manager, canary.member)
    response = client_for(manager).post(reverse("disclosures:decide", args=[disclosure.pk]),
                                        {"decision": "approve"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        disclosures.decide(disclosure, approver=manager, approve=True)
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.REQUESTED
    page = client_for(manager).get(reverse("disclosures:detail", args=[disclosure.pk]))
    assert 'name="decision"' not in page.content.decode()
    # And the database refuses it too, whatever code would try.
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentityDisclosure.objects.filter(pk=disclosure.pk).update(
            decided_by=manager, state=DisclosureState.APPROVED)


def test_nor_refuse_it_nor_reveal_it_while_it_waits(client_for, canary, manager):
    disclosure = _file(manager, canary.member)
    client = client_for(manager)
    assert client.post(reverse("disclosures:decide", args=[disclosure.pk]),
                       {"decision": "refuse"}).status_code == 403
    assert client.post(reverse("disclosures:reveal", args=[disclosure.pk])).status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.REQUESTED


def test_every_other_role_is_kept_out_of_every_lifting_view(client_for, canary, manager, oscar, mod,
                                                            alice, rita, expert, visitor):
    disclosure = _file(manager, canary.member)
    urls = [reverse("disclosures:list"), reverse("disclosures:request"),
            reverse("disclosures:detail", args=[disclosure.pk]),
            reverse("disclosures:decide", args=[disclosure.pk]),
            reverse("disclosures:reveal", args=[disclosure.pk])]
    for user in (with_totp(oscar), mod, alice, rita, expert):
        client = client_for(user)
        for url in urls:
            for method in (client.get, client.post):
                response = method(url, {"decision": "approve"})
                assert response.status_code in (403, 404, 405), (user, url, response.status_code)
                assert not _shows_real_identity(response.content.decode())
    for url in urls:
        response = visitor.post(url)
        assert response.status_code == 302 and "/compte/" in response.url
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.REQUESTED
    assert not AuditEvent.objects.filter(action__startswith="disclosure.").exclude(
        action="disclosure.requested").exists()


def test_a_platform_manager_without_totp_is_sent_to_set_it_up(client_for, reference_data):
    bare = factories.make_platform_manager()
    response = client_for(bare).get(reverse("disclosures:list"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


# --- The whole path, through the pages --------------------------------------------------------


def test_request_approve_reveal_once_all_audited_and_the_member_told(client_for, canary, manager,
                                                                     pierre):
    requester, approver = client_for(manager), client_for(pierre)
    response = requester.post(reverse("disclosures:request"), {
        "member_reference": f"https://comcep.fr/forum/membres/{canary.member.public_id}/",
        "ground": LegalGround.JUDICIAL, "ground_text": "Réquisition du parquet nº 2026/42",
        "content_url": "/forum/message/12/", "content_text": "",
    })
    disclosure = IdentityDisclosure.objects.get()
    assert response.status_code == 302 and disclosure.member == canary.member
    assert disclosure.requested_by == manager and disclosure.state == DisclosureState.REQUESTED

    listing = approver.get(reverse("disclosures:list")).content.decode()
    assert f"nº {disclosure.pk}" in listing and PSEUDONYM not in listing
    assert not OutboxMessage.objects.filter(kind="identity_disclosed").exists()

    approver.post(reverse("disclosures:decide", args=[disclosure.pk]),
                  {"decision": "approve", "note": "Réquisition vérifiée."})
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.APPROVED and disclosure.decided_by == pierre
    # The approver does not get to see the identity: only the requester, once.
    assert approver.post(reverse("disclosures:reveal", args=[disclosure.pk])).status_code == 403

    first = requester.post(reverse("disclosures:reveal", args=[disclosure.pk]))
    body = first.content.decode()
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    assert "Camille Canary" in body and "camille.canary@apec.fr" in body and PSEUDONYM not in body

    second = requester.post(reverse("disclosures:reveal", args=[disclosure.pk])).content.decode()
    assert "déjà consultée" in second and not _shows_real_identity(second)
    detail = requester.get(reverse("disclosures:detail", args=[disclosure.pk])).content.decode()
    assert "déjà consultée" in detail and not _shows_real_identity(detail)

    steps = list(AuditEvent.objects.filter(target_type="comcep.identitydisclosure",
                                           target_id=str(disclosure.pk)).order_by("pk"))
    assert [(e.action, e.actor_id) for e in steps] == [
        ("disclosure.requested", manager.pk), ("disclosure.approved", pierre.pk),
        ("disclosure.member_told", None), ("disclosure.revealed", manager.pk),
    ]
    assert all(e.actor_member_id is None for e in steps)

    told = OutboxMessage.objects.get(kind="identity_disclosed")
    assert told.to_email == "camille.canary@apec.fr"
    assert "réquisition judiciaire" in told.body_text
    # Who asked is not the member's business; the grounds are.
    assert "Paula" not in told.body_text and "Pierre" not in told.body_text


def test_a_refused_request_never_shows_the_identity(client_for, canary, manager, pierre):
    disclosure = _file(manager, canary.member)
    client_for(pierre).post(reverse("disclosures:decide", args=[disclosure.pk]),
                            {"decision": "refuse", "note": "Fondement insuffisant."})
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.REFUSED
    response = client_for(manager).post(reverse("disclosures:reveal", args=[disclosure.pk]))
    assert response.status_code == 403 and not _shows_real_identity(response.content.decode())
    assert not OutboxMessage.objects.filter(kind="identity_disclosed").exists()
    assert AuditEvent.objects.filter(action="disclosure.refused", actor=pierre).exists()


def test_two_managers_deciding_at_once_decide_once(canary, manager, pierre, reference_data):
    third = with_totp(factories.make_platform_manager())
    disclosure = _file(manager, canary.member)
    assert disclosures.decide(disclosure, approver=pierre, approve=True) is not None
    assert disclosures.decide(disclosure, approver=third, approve=False) is None
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.APPROVED and disclosure.decided_by == pierre


def test_the_request_form_refuses_what_is_not_a_request(client_for, canary, manager):
    client = client_for(manager)
    cases = [
        {"member_reference": "quelqu'un", "ground": "judicial", "content_url": "/x/"},
        {"member_reference": canary.member.public_id, "ground": "other", "content_url": "/x/"},
        {"member_reference": canary.member.public_id, "ground": "judicial"},
        {"member_reference": canary.member.public_id, "ground": "judicial", "content_url": "/x/",
         "notify_member_after": timezone.localdate().isoformat()},
    ]
    for data in cases:
        assert client.post(reverse("disclosures:request"), data).status_code == 200, data
    assert not IdentityDisclosure.objects.exists()


def test_the_member_sees_it_on_their_home_page_once_they_may_be_told(client_for, canary, manager,
                                                                    pierre):
    later = timezone.localdate() + timedelta(days=30)
    disclosure = _file(manager, canary.member, notify_member_after=later)
    disclosures.decide(disclosure, approver=pierre, approve=True)
    home = client_for(canary)
    notice = "a communiqué l'identité liée à votre pseudonyme"
    assert notice not in home.get(reverse("community")).content.decode()
    assert not OutboxMessage.objects.filter(kind="identity_disclosed").exists()
    assert disclosures.tell_due_members(today=later - timedelta(days=1)) == 0
    assert disclosures.tell_due_members(today=later) == 1
    page = home.get(reverse("community")).content.decode()
    assert notice in page and "réquisition judiciaire" in page and "Paula" not in page
    assert OutboxMessage.objects.get(kind="identity_disclosed").to_email == "camille.canary@apec.fr"
    # Nobody else is told.
    other = client_for(factories.make_member()).get(reverse("community"))
    assert other.status_code == 200 and notice not in other.content.decode()


def test_when_the_law_delays_telling_the_member_the_beat_task_tells_them_on_the_day(
        worker, reference_data, client_for):
    canary = factories.make_member(pseudonym=PSEUDONYM, first_name="Camille", last_name="Canary",
                                   email="camille.canary@apec.fr")
    manager = with_totp(factories.make_platform_manager())
    other = with_totp(factories.make_platform_manager())
    later = timezone.localdate() + timedelta(days=90)
    disclosure = _file(manager, canary.member, notify_member_after=later)
    disclosures.decide(disclosure, approver=other, approve=True)
    assert not OutboxMessage.objects.filter(kind="identity_disclosed").exists()
    # Before the day, the task tells no one.
    assert disclosures.tell_due_members() == 0

    from comcep.tasks import tell_disclosed_members

    # The day comes (the date is moved rather than the clock).
    IdentityDisclosure.objects.filter(pk=disclosure.pk).update(
        notify_member_after=timezone.localdate())
    tell_disclosed_members.delay()
    wait_until(lambda: OutboxMessage.objects.filter(kind="identity_disclosed").exists(),
               message="the beat task did not tell the member")
    # Run again: nobody is told twice.
    tell_disclosed_members.delay().get(timeout=30)
    assert OutboxMessage.objects.filter(kind="identity_disclosed").count() == 1
    assert OutboxMessage.objects.get(kind="identity_disclosed").to_email == "camille.canary@apec.fr"


# --- The audit log names members for community acts -------------------------------------------


def test_community_acts_are_audited_under_the_member_and_never_the_account(canary, community_traces,
                                                                           mod, alice):
    hidden = AuditEvent.objects.get(action__startswith="forum.")
    assert hidden.actor_id is None and hidden.actor_member_id == mod.member.pk
    # A service that passes the account of a member for a community act records the member.
    event = audit.record(actor=alice, action="privatespace.course_published")
    assert event.actor_id is None and event.actor_member_id == alice.member.pk
    event = audit.record(actor=alice, action="resource.proposed")
    assert event.actor_id is None and event.actor_member_id == alice.member.pk
    community = AuditEvent.objects.filter(action__regex=r"^(forum|privatespace|resource)\.")
    assert community.exists() and not community.filter(actor__isnull=False).exists()


def test_identity_acts_are_audited_under_the_account(canary, manager):
    event = audit.record(actor=canary, action="role.granted", data={"role": Role.EXPERT})
    assert event.actor_id == canary.pk and event.actor_member_id is None


def test_no_row_may_name_both_the_account_and_the_member(canary):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(actor=canary, actor_member=canary.member, action="forum.x")


def test_the_admin_audit_list_leaves_out_community_acts(client_for, superuser, community_traces):
    body = client_for(superuser).get(reverse("admin:comcep_auditevent_changelist")).content.decode()
    assert AuditEvent.objects.filter(action__startswith="forum.").exists()
    assert "forum." not in body
    member_rows = AuditEvent.objects.exclude(actor_member=None)
    assert member_rows.exists()
    for pk in member_rows.values_list("pk", flat=True):
        assert client_for(superuser).get(
            reverse("admin:comcep_auditevent_change", args=[pk])).status_code in (302, 404)


# --- No new crossing of the account ↔ member link ----------------------------------------------

# Direct reads of Member.user / User.member (and their lookups) in code and templates.
LINK_PATTERNS = [re.compile(p) for p in (
    r"\b\w*member\w*\s*\.\s*user(_id)?\b",
    r"\b\w*(user|account)\w*\s*\.\s*member\b",
    r"\b(author|proposed_by|reviewed_by|learner|owner|recipient|requested_by|decided_by)\s*\.\s*member\b",
    r"getattr\([^,()]+,\s*[\"']member[\"']",
    r"member__user(\b|__)|user__member(\b|__)",
    r"\bMember\b[^\n]*[(,]\s*user(_id|__\w+)?\s*=",
    r"\bMember\.objects\.\w+\(\s*\n\s*user(_id|__\w+)?\s*=",
    r"\bMember\.user\b",
    r"\bm\.user_id\b",
)]

# Each file that may still cross the link, and why. New code goes through comcep.identity.
ALLOWED = {
    "comcep/identity.py": "the door itself",
    "comcep/auth.py": "loads the signed-in account with its own member in one query",
    "comcep/datarights.py": "a member's own data: export, closure and purge of their account",
    "forum/datarights.py": "a member's own forum data, for their export and closure",
    "comcep/demo.py": "demo accounts are created with their members",
    "comcep/roles.py": "badges: which members hold the expert or moderator role",
    "comcep/views.py": "the signed-in person creates their own member when choosing a pseudonym",
    "enrolment/transitions.py": "admission creates the member of the admitted account",
    "privatespace/courses.py": "a course author sees followers' pseudonyms (never their account)",
    "templates/privatespace/catalogue.html": "a course's author shown by pseudonym",
    "templates/privatespace/course_detail.html": "a course's author shown by pseudonym",
    "templates/resources/review_queue.html": "a proposal's author shown by pseudonym",
    "templates/resources/detail.html": "a proposal's author shown by pseudonym",
}

SKIPPED_PARTS = {"tests", ".venv", "var", "bench", "deploy", "static", "migrations", "node_modules",
                 "staticfiles", "locale", "docs"}


def link_crossings(text: str) -> list[int]:
    """The line numbers of ``text`` that read the account ↔ member link directly."""
    lines = set()
    for pattern in LINK_PATTERNS:
        for match in pattern.finditer(text):
            lines.add(text.count("\n", 0, match.start()) + 1)
    return sorted(lines)


def _sources():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if not path.is_file() or SKIPPED_PARTS & set(relative.parts) or relative.parts[0].startswith("."):
            continue
        if path.suffix == ".py" or (relative.parts[0] == "templates" and path.suffix in (".html", ".txt")):
            yield relative.as_posix(), path.read_text(encoding="utf-8", errors="replace")


def test_the_scanner_sees_the_ways_of_crossing_the_link():
    for snippet in ("email = post.author.member.user.email", "user.member.pseudonym",
                    "Member.objects.filter(user__email=address)", "getattr(request.user, 'member', None)",
                    "Post.objects.filter(author__member__user__last_name='x')",
                    "{{ resource.proposed_by.member.pseudonym }}",
                    "Member.objects.get_or_create(\n    user=user)"):
        assert link_crossings(snippet), snippet
    assert not link_crossings("identity.member_of(request.user)")
    assert not link_crossings("flag.member.pseudonym")


def test_nothing_outside_the_allow_list_reads_the_link_directly():
    found = {}
    for relative, text in _sources():
        lines = link_crossings(text)
        if lines:
            found[relative] = lines
    unexpected = {path: lines for path, lines in found.items() if path not in ALLOWED}
    assert not unexpected, (
        "Read the account ↔ member link through comcep.identity (member_of / account_of): "
        f"{unexpected}")
    stale = sorted(set(ALLOWED) - set(found))
    assert not stale, f"These files no longer cross the link: take them off ALLOWED: {stale}"


def test_the_transparency_page_counts_requests_per_year_and_names_nobody(db, visitor):
    from datetime import datetime

    from comcep.models import DisclosureState, IdentityDisclosure
    from tests import factories

    first, second = factories.make_platform_manager(), factories.make_platform_manager()
    member = factories.make_member(pseudonym="Hibou-Canari").member
    for year, state in [(2025, DisclosureState.REVEALED), (2026, DisclosureState.REFUSED),
                        (2026, DisclosureState.REQUESTED), (2026, DisclosureState.APPROVED)]:
        IdentityDisclosure.objects.create(
            requested_by=first, member=member, ground="judicial", content_text="Menace",
            state=state, decided_by=None if state == DisclosureState.REQUESTED else second,
            created_at=datetime(year, 3, 1, tzinfo=UTC))

    page = visitor.get("/transparence/")

    assert page.status_code == 200
    text = page.content.decode()
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>"
                      r"<td>(\d+)</td></tr>", text)
    assert rows == [("2026", "3", "1", "1", "1"), ("2025", "1", "1", "0", "0")]
    assert "Hibou-Canari" not in text and member.public_id not in text and "Menace" not in text
