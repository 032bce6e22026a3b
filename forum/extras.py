"""What the forum shows with other apps' objects (registered in ``ForumConfig.ready`` through
``comcep.extras``): the topics that cite a library resource, and on a legal text the button
that opens a question about it."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from comcep import roles
from forum.forms import MAX_TITLE
from forum.models import Category, StartPolicy, Topic, TopicKind
from resources.models import Kind, Resource

CITING_TOPICS_SHOWN = 10


def citing_topics(request, resource) -> dict | None:
    """The latest topics with a visible post that links to ``resource`` (one query, on the
    citations the forum writes with each post), for a reader of the community."""
    if not roles.is_community_member(getattr(request, "user", None)):
        return None
    cited_in = resource.forum_citations.filter(post__is_hidden=False).values("post__topic_id")
    # The public forum's topics only: a group's discussion cites for its members alone.
    topics = list(Topic.objects.public().filter(pk__in=cited_in).only("pk", "title")
                  .order_by("-pk")[:CITING_TOPICS_SHOWN])
    return {"citing_topics": topics} if topics else None


def question_category() -> Category | None:
    """Where a question about a legal text goes: the category of ``FORUM_QUESTIONS_CATEGORY``,
    or else the first public category every member may start a topic in."""
    public = Category.objects.filter(members_only=False, start_policy=StartPolicy.MEMBERS)
    return (public.filter(slug=settings.FORUM_QUESTIONS_CATEGORY).first()
            or public.order_by("position", "pk").first())


def ask_about_text(request, resource) -> dict | None:
    """« Poser une question sur ce texte »: the new-topic form of the questions' category, the
    text cited in it (one query, on a legal text's page only)."""
    if resource.kind != Kind.LEGAL or not roles.is_community_member(getattr(request, "user", None)):
        return None
    category = question_category()
    return {"question_category": category, "cited_resource": resource} if category else None


def question_about(resource_id: str) -> dict | None:
    """The new topic's first draft for a question about a published library resource: a
    question, its title naming the text, its tags, and the text cited on a line of its own
    (which the post shows as the resource's card and records as a citation)."""
    if not resource_id.isdigit():
        return None
    resource = Resource.objects.published().filter(pk=int(resource_id)).first()
    if resource is None:
        return None
    title = _("Question sur « %(title)s »") % {"title": resource.title}
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE - 2] + "…»"
    tags = ", ".join(sorted(resource.tags.names())[:5])
    body = _("%(link)s\n\nMa question sur ce texte : ") % {"link": resource.get_absolute_url()}
    return {"title": title, "kind": TopicKind.QUESTION, "tags": tags, "body": body}
