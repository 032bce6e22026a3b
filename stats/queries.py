"""The figures, each read by aggregate SQL: a fixed number of queries whatever the data size.

Nothing here returns a person: only counts by operator, region, stage, week or month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Extract, TruncMonth, TruncWeek
from django.utils import timezone

from comcep.models import Operator, Region, RolloutPhase
from enrolment.models import APPEAL_STATES, Application, ApplicationEvent, Status
from forum.models import Post, Topic
from privatespace.models import Course, CourseFollow, CourseStatus
from resources.models import Resource

WEEKS = 12


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


# --- Enrolment funnel --------------------------------------------------------------------------

FUNNEL_STAGES = ["applied", "confirmed", "admitted", "refused", "appealed", "overturned"]


@dataclass(frozen=True, slots=True)
class FunnelRow:
    operator: str
    region: str
    counts: dict[str, int]


def funnel() -> list[FunnelRow]:
    """Applications by operator and region at each stage they reached, read from the events (an
    application admitted after an appeal counts as applied, confirmed, refused, appealed,
    overturned and admitted). One query."""
    def reached(*actions: str) -> Count:
        return Count("pk", filter=Q(events__action__in=actions), distinct=True)

    rows = (Application.objects.values("operator__name", "region__name")
            .annotate(applied=Count("pk", distinct=True),
                      confirmed=reached("confirm_email", "waitlist"),
                      admitted=reached("approve", "overturn"),
                      refused=reached("refuse"),
                      appealed=reached("appeal"),
                      overturned=reached("overturn"))
            .order_by("operator__name", "region__name"))
    return [FunnelRow(row["operator__name"], row["region__name"],
                      {stage: row[stage] for stage in FUNNEL_STAGES}) for row in rows]


@dataclass(frozen=True, slots=True)
class DecisionTimes:
    decisions: int
    median_days: float | None
    p90_days: float | None


def decision_times() -> DecisionTimes:
    """Time from reaching the operator's queue to the operator's decision. One query."""
    queued = (ApplicationEvent.objects.filter(application=OuterRef("application"),
                                              to_status=Status.PENDING,
                                              created_at__lte=OuterRef("created_at"))
              .order_by("-created_at").values("created_at")[:1])
    waited = ExpressionWrapper(F("created_at") - Subquery(queued), output_field=DurationField())
    seconds = Extract(waited, "epoch")
    result = ApplicationEvent.objects.filter(action__in=["approve", "refuse"]).aggregate(
        decisions=Count("pk"), median=PercentileCont(seconds, 0.5),
        p90=PercentileCont(seconds, 0.9))
    def days(value):
        return None if value is None else round(value / 86400, 1)
    return DecisionTimes(result["decisions"], days(result["median"]), days(result["p90"]))


def overdue_by_operator() -> dict[str, int]:
    """Applications left pending past the escalation delay, now. One query."""
    return dict(Application.objects.overdue().values("operator__name")
                .annotate(n=Count("pk")).values_list("operator__name", "n"))


def appeals_open() -> int:
    return Application.objects.filter(status__in=APPEAL_STATES).count()


# --- Roll-out ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RolloutRow:
    region: str
    phase: str
    members: int
    waitlist: int
    is_open: bool


def admitted_now():
    """The applications whose person is a member now: admitted, account open. Counted from the
    applications, which carry operator and region, so no count crosses the account ↔ member
    link."""
    return Application.objects.filter(status=Status.ADMITTED, user__is_active=True)


def rollout() -> list[RolloutRow]:
    """Each region's phase, members and waitlist; opening it would release the whole waitlist.
    Three queries."""
    members = dict(admitted_now().values("region_id").annotate(n=Count("pk"))
                   .values_list("region_id", "n"))
    waiting = dict(Application.objects.filter(status=Status.WAITLISTED).values("region_id")
                   .annotate(n=Count("pk")).values_list("region_id", "n"))
    return [RolloutRow(region.name, region.get_phase_display(), members.get(region.pk, 0),
                       waiting.get(region.pk, 0), region.phase == RolloutPhase.OPEN)
            for region in Region.objects.order_by("overseas", "name")]


# --- Activity ----------------------------------------------------------------------------------

ACTIVITY_MEASURES = ["active_members", "topics", "posts", "resources_proposed",
                     "resources_published", "courses_published", "courses_followed"]


@dataclass(frozen=True, slots=True)
class ActivityRow:
    period: date
    counts: dict[str, int]


def _weeks(now: datetime) -> list[date]:
    monday = (timezone.localtime(now) - timedelta(days=timezone.localtime(now).weekday())).date()
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _by_period(queryset, field: str, trunc, *, count=None) -> dict[date, int]:
    rows = (queryset.annotate(period=trunc(field)).values("period")
            .annotate(n=count or Count("pk")).values_list("period", "n"))
    return {timezone.localtime(period).date() if isinstance(period, datetime) else period: n
            for period, n in rows}


def activity_by_week(*, operator: Operator | None = None, now: datetime | None = None
                     ) -> list[ActivityRow]:
    """The last twelve weeks of activity: everyone's, or (``operator``) the forum activity of one
    operator's members only. One query per measure, whatever the number of posts (each scans
    its dates' index range)."""
    weeks = _weeks(now or timezone.now())
    since = timezone.make_aware(datetime.combine(weeks[0], datetime.min.time()))
    posts = Post.objects.filter(created_at__gte=since)
    topics = Topic.objects.filter(created_at__gte=since)
    if operator is not None:
        posts = posts.filter(author__operator=operator)
        topics = topics.filter(author__operator=operator)
    series = {
        "active_members": _by_period(posts, "created_at", TruncWeek,
                                     count=Count("author", distinct=True)),
        "posts": _by_period(posts, "created_at", TruncWeek),
        "topics": _by_period(topics, "created_at", TruncWeek),
    }
    if operator is None:
        series |= {
            "resources_proposed": _by_period(
                Resource.objects.filter(created_at__gte=since, proposed_by__isnull=False),
                "created_at", TruncWeek),
            "resources_published": _by_period(
                Resource.objects.filter(published_at__gte=since), "published_at", TruncWeek),
            "courses_published": _by_period(
                Course.objects.filter(status=CourseStatus.PUBLISHED, published_at__gte=since),
                "published_at", TruncWeek),
            "courses_followed": _by_period(
                CourseFollow.objects.filter(started_at__gte=since), "started_at", TruncWeek),
        }
    return [ActivityRow(week, {name: series[name].get(week, 0) for name in series})
            for week in weeks]


OPERATOR_ACTIVITY_MEASURES = ["active_members", "topics", "posts"]


# --- An operator's network ---------------------------------------------------------------------

def admitted_by_region_and_month(operator: Operator, year: int) -> dict[tuple[str, str], int]:
    """The operator's members admitted in ``year`` and still members, by region and month of
    admission. One query."""
    rows = (admitted_now().filter(operator=operator, status_changed_at__year=year)
            .annotate(month=TruncMonth("status_changed_at")).values("region__name", "month")
            .annotate(n=Count("pk")).values_list("region__name", "month", "n"))
    return {(region, f"{timezone.localtime(month):%Y-%m}"): n for region, month, n in rows}


def members_per_operator(at: date) -> dict[str, int]:
    """Members per operator at the end of ``at``: the application's state then was admitted
    (read from its last event by then), and the account was not closed by then. One query for
    the counts, one for the operators' names."""
    end = timezone.make_aware(datetime.combine(at, datetime.max.time()))
    state_then = (ApplicationEvent.objects.filter(application=OuterRef("pk"), created_at__lte=end)
                  .order_by("-created_at", "-pk").values("to_status")[:1])
    rows = (Application.objects.annotate(state_then=Subquery(state_then))
            .filter(state_then=Status.ADMITTED)
            .exclude(user__closure__closed_at__lte=end)
            .values("operator__name").annotate(n=Count("pk")).values_list("operator__name", "n"))
    counts = dict(rows)
    return {name: counts.get(name, 0)
            for name in Operator.objects.order_by("name").values_list("name", flat=True)}
