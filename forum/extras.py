"""What the forum shows with other apps' objects (registered in ``ForumConfig.ready`` through
``comcep.extras``): the topics that cite a library resource."""

from __future__ import annotations

from comcep import roles
from forum.models import Topic

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
