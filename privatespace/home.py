"""The private space's section of the community home: the courses the member is following and
has not finished, each with their progress.

Entirely the member's own, so read per request: ``courses.followed_courses`` gives every
followed course with its progress in one query.
"""

from __future__ import annotations

from comcep import home
from comcep.models import Member
from privatespace import courses

COUNT = 4


def context(request, member: Member) -> dict:
    in_progress = [follow for follow in courses.followed_courses(request.user) if not follow.finished]
    return {"follows": in_progress[:COUNT], "more": len(in_progress) > COUNT}


def register() -> None:
    home.register("courses", rank=40, template="privatespace/home_courses.html", context=context)
