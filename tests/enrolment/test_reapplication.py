"""Refused by one operator, applying again through another under a new address.

The platform manager is shown the earlier refusal; the new operator's managers only a neutral
note (it may be a namesake), never who refused, why, or the earlier address; the first
operator learns nothing; the applicant is not told.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage, Region
from enrolment import datarights, services
from enrolment.models import Application, ApplicationEvent, Status, fold_name
from tests import factories
from tests.enrolment.factories import make_application
from tests.enrolment.test_applying import form_data

pytestmark = pytest.mark.django_db

NOTE = ("Une candidature au même nom a été refusée récemment par un autre opérateur "
        "(homonymie possible)")
REASON = "Nous ne trouvons pas cette personne dans nos effectifs."  # the factory's refusal
OLD_EMAIL = "camille.dupont@apec.fr"
NEW_EMAIL = "c.dupont@francetravail.fr"


@pytest.fixture
def open_region(reference_data):
    Region.objects.filter(code__in=["52", "11"]).update(phase="open")


@pytest.fixture
def refused_at_apec(open_region, oscar):
    return make_application(status=Status.REFUSED, first_name="Camille", last_name="Dupont",
                            email=OLD_EMAIL, manager=oscar)


def reapply(visitor, *, first_name="DUPONT", last_name="Camille", email=NEW_EMAIL,
            operator="france-travail") -> Application:
    """Apply through the form as a visitor would, then follow the confirmation link."""
    response = visitor.post(reverse("enrolment:apply"), form_data(
        first_name=first_name, last_name=last_name, email=email,
        operator=factories.operator(operator).pk, structure_name="Agence de Nantes Est",
        job_title="Conseillère"))
    assert response.status_code == 302
    message = OutboxMessage.objects.filter(to_email=email,
                                           kind__startswith="email_confirmation").latest("pk")
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body_text).group(0)
    visitor.post(link.split("testserver", 1)[-1])
    application = Application.objects.get(email=email)
    assert application.status == Status.PENDING
    return application


def test_names_meet_whatever_the_order_case_accents_or_punctuation():
    key = fold_name("Camille", "Dupont")
    assert fold_name("DUPONT", "Camille") == key
    assert fold_name("  Câmille ", "Dupont.") == key
    assert fold_name("Сamille", "Dupont") == key  # Cyrillic С
    assert fold_name("Jean-Pierre", "Martin") == fold_name("Martin", "Jean Pierre")
    assert fold_name("Camille", "Dupond") != key


def test_the_platform_manager_sees_the_earlier_refusal_and_its_reason(
        client_for, visitor, refused_at_apec, paula, olga):
    new = reapply(visitor)

    event = new.events.get(action="similar_refused")
    assert event.related_application == refused_at_apec
    page = client_for(paula).get(reverse("enrolment:platform_detail", args=[new.pk]))

    assert page.status_code == 200
    assert reverse("enrolment:platform_detail", args=[refused_at_apec.pk]) in page.text
    assert REASON in page.text
    assert "inconnu·e de nos services" in page.text  # the refusal's category
    assert "Apec" in page.text


def test_the_new_operator_sees_only_a_neutral_note(client_for, visitor, refused_at_apec, olga):
    new = reapply(visitor)

    page = client_for(olga).get(reverse("enrolment:operator_detail", args=[new.pk]))

    assert page.status_code == 200
    assert NOTE in page.text
    assert "Apec" not in page.text
    assert REASON not in page.text  # (the refusal categories are in their own refusal form)
    assert OLD_EMAIL not in page.text
    assert f"/{refused_at_apec.pk}/" not in page.text.replace(f"/{new.pk}/", "/")
    # Nor does the earlier application open to them.
    other = client_for(olga).get(reverse("enrolment:operator_detail", args=[refused_at_apec.pk]))
    assert other.status_code == 404


def test_the_first_operator_sees_nothing_of_the_new_application(
        client_for, visitor, refused_at_apec, oscar):
    new = reapply(visitor)
    client = client_for(oscar)

    assert client.get(reverse("enrolment:operator_detail", args=[new.pk])).status_code == 404
    queue = client.get(reverse("enrolment:operator_queue"), {"status": "all"})
    assert NEW_EMAIL not in queue.text
    assert reverse("enrolment:operator_detail", args=[new.pk]) not in queue.text
    earlier = client.get(reverse("enrolment:operator_detail", args=[refused_at_apec.pk]))
    assert NOTE not in earlier.text and NEW_EMAIL not in earlier.text
    assert not refused_at_apec.events.filter(action="similar_refused").exists()


def test_the_applicant_is_not_told(client_for, visitor, refused_at_apec):
    new = reapply(visitor)

    page = client_for(new.user).get(reverse("enrolment:status"))

    assert page.status_code == 200
    assert "même nom" not in page.text and "refusée" not in page.text
    assert not new.events.for_applicant().filter(action="similar_refused").exists()
    sent_to_applicant = OutboxMessage.objects.filter(to_email=NEW_EMAIL)
    assert not any("même nom" in message.body_text for message in sent_to_applicant)


def test_no_note_without_a_recent_refusal_elsewhere(open_region, oscar, olga):
    # Refused by the same operator: their own managers know it already.
    make_application(status=Status.REFUSED, first_name="Camille", last_name="Dupont",
                     email=OLD_EMAIL, manager=oscar)
    again = make_application(first_name="Camille", last_name="Dupont", email="c.d@apec.fr")
    # Another name at another operator.
    other = make_application(first_name="Camille", last_name="Durand", operator_slug="france-travail")
    # A person admitted elsewhere is no refusal.
    make_application(status=Status.ADMITTED, first_name="Alex", last_name="Martin",
                     email="alex.martin@apec.fr", manager=oscar)
    namesake = make_application(first_name="Martin", last_name="Alex",
                                operator_slug="france-travail")

    for application in (again, other, namesake):
        assert not application.events.filter(action="similar_refused").exists()


def test_a_refusal_older_than_it_is_kept_for_does_not_count(open_region, oscar):
    # The history is append-only: an old refusal is written as it would have been, back then.
    long_ago = timezone.now() - services.similar_refusal_window() - timedelta(days=1)
    old = make_application(first_name="Camille", last_name="Dupont", email=OLD_EMAIL)
    Application.objects.filter(pk=old.pk).update(status=Status.UPHELD, status_changed_at=long_ago)
    ApplicationEvent.objects.create(application=old, action="refuse", from_status=Status.PENDING,
                                    to_status=Status.REFUSED, actor=oscar,
                                    actor_role="operator_manager", created_at=long_ago)

    new = make_application(first_name="Camille", last_name="Dupont",
                           operator_slug="france-travail")

    assert not new.events.filter(action="similar_refused").exists()


def test_an_appealed_or_upheld_refusal_still_counts(open_region, oscar, paula):
    upheld = make_application(status=Status.UPHELD, first_name="Camille", last_name="Dupont",
                              email=OLD_EMAIL, manager=oscar, platform_manager=paula)
    new = make_application(first_name="Dupont", last_name="Camille",
                           operator_slug="france-travail")

    assert new.events.get(action="similar_refused").related_application == upheld


def test_a_purged_refusal_no_longer_matches(open_region, oscar):
    refused = make_application(status=Status.REFUSED, first_name="Camille", last_name="Dupont",
                               email=OLD_EMAIL, manager=oscar)

    datarights.purge_identity(refused.user)

    refused.refresh_from_db()
    assert refused.name_key == ""
    new = make_application(first_name="Camille", last_name="Dupont",
                           operator_slug="france-travail")
    assert not new.events.filter(action="similar_refused").exists()


def test_the_migration_fills_in_the_keys_of_existing_applications(open_region):
    application = make_application(first_name="Éloïse", last_name="Le Gall")
    Application.objects.filter(pk=application.pk).update(name_key="")

    from importlib import import_module

    import_module("enrolment.migrations.0003_enrol_name_key").fill_name_keys(django_apps, None)

    application.refresh_from_db()
    assert application.name_key == fold_name("Le Gall", "Éloïse") != ""
