"""Idempotency tokens: a token creates one thing, once, for one person and one scope."""

import threading
from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone

from comcep import idempotency
from comcep.models import SubmissionToken
from comcep.tasks import purge_submission_tokens
from tests.conftest import wait_until

TOKEN = "t" * 43
SCOPE = "forum.reply:topic 1"


class Counter:
    """A creation that counts how often it ran, returning a new address each time."""

    def __init__(self):
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"/created/{self.calls}/"


def test_a_replayed_token_returns_the_first_result_and_creates_nothing(alice):
    create = Counter()

    first = idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=create)
    second = idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=create)

    assert first == idempotency.Outcome("/created/1/", replayed=False)
    assert second == idempotency.Outcome("/created/1/", replayed=True)
    assert create.calls == 1


@pytest.mark.parametrize("token", ["", None, "court", "é" * 43, "a b" * 15, ["liste"]])
def test_a_missing_or_malformed_token_is_a_normal_submission(alice, token):
    create = Counter()

    idempotency.once(token=token, scope=SCOPE, user=alice, create=create)
    idempotency.once(token=token, scope=SCOPE, user=alice, create=create)

    assert create.calls == 2
    assert not SubmissionToken.objects.exists()


def test_another_member_cannot_use_a_token_nor_learn_its_result(alice, bob):
    idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=Counter())
    create = Counter()

    with pytest.raises(idempotency.TokenRefused):
        idempotency.once(token=TOKEN, scope=SCOPE, user=bob, create=create)

    assert create.calls == 0
    assert SubmissionToken.objects.get().user == alice


def test_a_visitor_cannot_use_a_members_token(alice, client):
    from django.contrib.auth.models import AnonymousUser

    idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=Counter())

    with pytest.raises(idempotency.TokenRefused):
        idempotency.once(token=TOKEN, scope=SCOPE, user=AnonymousUser(), create=Counter())


def test_a_token_of_one_scope_is_refused_in_another(alice):
    idempotency.once(token=TOKEN, scope="forum.reply:topic 1", user=alice, create=Counter())
    create = Counter()

    with pytest.raises(idempotency.TokenRefused):
        idempotency.once(token=TOKEN, scope="forum.reply:topic 2", user=alice, create=create)

    assert create.calls == 0


def test_the_same_token_with_other_content_is_refused(alice):
    idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=Counter(),
                     content_digest=idempotency.digest("Premier message"))
    create = Counter()

    with pytest.raises(idempotency.TokenRefused):
        idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=create,
                         content_digest=idempotency.digest("Un autre message"))

    assert create.calls == 0


def test_a_creation_that_fails_frees_its_token(alice):
    def refused():
        raise ValidationError("refusé")

    with pytest.raises(ValidationError):
        idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=refused)
    assert not SubmissionToken.objects.exists()

    outcome = idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=Counter())
    assert outcome == idempotency.Outcome("/created/1/", replayed=False)


@pytest.mark.django_db(transaction=True)
def test_claim_refuses_to_run_outside_the_creating_transaction(alice):
    # Autocommit would keep the token of a creation that then fails.
    with pytest.raises(RuntimeError):
        idempotency.claim(TOKEN, SCOPE, alice)


def _in_thread(target):
    result = {}

    def run():
        try:
            result["value"] = target()
        except Exception as error:  # handed to the test, which asserts on it
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_request_sent_while_the_first_is_running_waits_and_gets_its_result(alice):
    claimed, release = threading.Event(), threading.Event()
    second_create = Counter()

    def slow_first() -> str:
        claimed.set()  # the token is taken, not yet committed
        release.wait(10)
        return "/created/first/"

    first, first_result = _in_thread(
        lambda: idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=slow_first))
    assert claimed.wait(10)
    second, second_result = _in_thread(
        lambda: idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=second_create))
    wait_until(_waiting_on_a_lock, timeout=5, message="the second request did not wait on the token")
    release.set()
    first.join(10)
    second.join(10)

    assert first_result == {"value": idempotency.Outcome("/created/first/", replayed=False)}
    assert second_result == {"value": idempotency.Outcome("/created/first/", replayed=True)}
    assert second_create.calls == 0


@pytest.mark.django_db(transaction=True)
def test_when_the_first_request_fails_the_waiting_one_creates(alice):
    claimed, release = threading.Event(), threading.Event()

    def failing_first() -> str:
        claimed.set()
        release.wait(10)
        raise ValidationError("refusé")

    first, first_result = _in_thread(
        lambda: idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=failing_first))
    assert claimed.wait(10)
    second, second_result = _in_thread(
        lambda: idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=Counter()))
    wait_until(_waiting_on_a_lock, timeout=5, message="the second request did not wait on the token")
    release.set()
    first.join(10)
    second.join(10)

    assert isinstance(first_result.get("error"), ValidationError)
    assert second_result == {"value": idempotency.Outcome("/created/1/", replayed=False)}


class NoteForm(idempotency.IdempotentFormMixin, forms.Form):
    text = forms.CharField()


def test_each_form_shown_carries_a_fresh_token():
    tokens = {NoteForm()[idempotency.TOKEN_FIELD].value() for _ in range(3)}

    assert len(tokens) == 3
    assert all(idempotency.clean_token(token) for token in tokens)
    assert 'type="hidden"' in str(NoteForm()[idempotency.TOKEN_FIELD])


def test_a_refused_form_keeps_what_was_typed_and_gets_a_new_token():
    form = NoteForm(QueryDict(f"text=Mon+texte&{idempotency.TOKEN_FIELD}={TOKEN}"))
    assert form.is_valid() and form.submission_token == TOKEN

    form.refuse_token(idempotency.TokenRefused())

    html = str(form[idempotency.TOKEN_FIELD])
    assert TOKEN not in html and idempotency.clean_token(form.data[idempotency.TOKEN_FIELD])
    assert form["text"].value() == "Mon texte"
    assert "Ce formulaire a déjà servi" in " ".join(form.non_field_errors())


def test_the_purge_job_deletes_tokens_older_than_a_day_on_the_worker(alice, worker):
    old = SubmissionToken.objects.create(token="o" * 43, scope=SCOPE, user=alice, result="/a/",
                                         created_at=timezone.now() - timedelta(days=1, minutes=1))
    recent = SubmissionToken.objects.create(token="r" * 43, scope=SCOPE, user=alice, result="/b/",
                                            created_at=timezone.now() - timedelta(hours=23))

    purge_submission_tokens.delay()

    wait_until(lambda: not SubmissionToken.objects.filter(pk=old.pk).exists(), timeout=60,
               message="the worker never purged the old token")
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_purge_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-submission-tokens"]
    assert entry["task"] == "comcep.tasks.purge_submission_tokens"


def test_once_keeps_the_token_with_what_it_created(alice):
    with transaction.atomic():
        idempotency.once(token=TOKEN, scope=SCOPE, user=alice, create=Counter())

    row = SubmissionToken.objects.get()
    assert (row.token, row.scope, row.user_id, row.result) == (TOKEN, SCOPE, alice.pk, "/created/1/")
