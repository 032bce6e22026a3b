"""The forum: categories, topics, posts, and the life around them.

Counters and "last post" fields are denormalised on Category and Topic and
kept up to date by ``forum.services`` inside the writing transaction, so that
list pages read one row per topic and never count.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from comcep.models import Member
from forum import rendering
from resources.models import Resource


class FrenchVector(Func):
    """French stemming of accent-folded text (comcep migration 0004), weighted A: a title.

    Both functions are immutable, so PostgreSQL maintains the column itself.
    """

    weight = "A"
    template = (
        "setweight(to_tsvector('public.french_unaccent'::regconfig, "
        "public.comcep_unaccent(coalesce(%(expressions)s, ''))), '{weight}')"
    )

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template=self.template.format(weight=self.weight),
                              **extra)


class FrenchBodyVector(FrenchVector):
    """The same, weighted B: a post's text."""

    weight = "B"


class StartPolicy(models.TextChoices):
    MEMBERS = "members", _("tous les membres")
    EXPERTS = "experts", _("expert·es et animateur·rices seulement")


class CategoryQuerySet(models.QuerySet):
    def public(self):
        """The categories every member reads: the forum's index, search and lists show these only."""
        return self.filter(members_only=False)

    def readable_by(self, member: Member | None):
        """The public categories, and the members-only ones ``member`` has access to."""
        return self.filter(readable_by_condition(member))


def readable_by_condition(member: Member | None, category: str = "") -> Q:
    """The condition under which a row is readable by ``member``, ``category`` being the path
    from the row to its category ("" for a category itself): the category is public, or a
    ``CategoryAccess`` row lets the member in. One EXISTS on an index, inside the query the page
    already runs, never a round trip of its own."""
    members_only = f"{category}__members_only" if category else "members_only"
    public = Q(**{members_only: False})
    if member is None or not member.pk:
        return public
    from django.db.models import Exists, OuterRef

    category_id = f"{category}_id" if category else "pk"
    return public | Q(Exists(CategoryAccess.objects.filter(category_id=OuterRef(category_id),
                                                           member_id=member.pk)))


class Category(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    start_policy = models.CharField(
        _("qui peut ouvrir un sujet"), max_length=10, choices=StartPolicy.choices,
        default=StartPolicy.MEMBERS,
    )
    region = models.ForeignKey(
        "comcep.Region", verbose_name=_("région"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # Denormalised, maintained by forum.services.
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Moves whenever a row of its topic list changes: the key of the shared cache of those rows.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Read only by the members its CategoryAccess rows name (another app keeps them, such as a
    # working group for its discussion); absent from the index, the latest topics, tags and
    # search of the public forum; a 404 for everyone else, moderators and staff included.
    members_only = models.BooleanField(_("réservée à ses membres"), default=False, editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")

    def __str__(self) -> str:
        return self.name


class CategoryAccess(models.Model):
    """A member who may read and write in a members-only category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="accesses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "member"], name="one_category_access")]
        indexes = [models.Index(fields=["member", "category"], name="category_access_member_idx")]


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("discussion")
    QUESTION = "question", _("question")


def tag_names_of_topic():
    """A subquery of the outer topic's tag names (the content type id is cached, so no join)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef
    from taggit.models import TaggedItem

    return (
        TaggedItem.objects.filter(object_id=OuterRef("pk"),
                                  content_type_id=ContentType.objects.get_for_model(Topic).pk)
        .order_by("tag__name").values("tag__name")
    )


class TopicQuerySet(models.QuerySet):
    def public(self):
        return self.filter(category__members_only=False)

    def readable_by(self, member: Member | None):
        return self.filter(readable_by_condition(member, "category"))

    # What a row of a topic list shows; nothing more is read.
    LIST_FIELDS = (
        "title", "kind", "is_pinned", "is_locked", "accepted_post_id", "post_count", "last_post_at",
        "category__slug", "category__name", "last_poster__pseudonym",
    )

    def for_list(self):
        """Everything a topic list row shows, in one query; the reader's read marks come apart
        (``forum.pages.last_read_of``), so that rows can be shared between readers."""
        from django.contrib.postgres.expressions import ArraySubquery

        return (
            self.select_related("category", "last_poster")
            .only(*self.LIST_FIELDS)
            .annotate(tag_names=ArraySubquery(tag_names_of_topic()))
            .order_by("-is_pinned", "-last_post_at", "-pk")
        )


class Topic(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("titre"), max_length=160)
    kind = models.CharField(_("type"), max_length=12, choices=TopicKind.choices,
                            default=TopicKind.DISCUSSION)
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="forum_topics")
    created_at = models.DateTimeField(default=timezone.now)
    is_pinned = models.BooleanField(_("épinglé"), default=False)
    is_locked = models.BooleanField(_("verrouillé"), default=False)
    # An expert session (a topic of a category whose topics experts open) takes replies from
    # its opening to its closing; before and after, it is read-only.
    session_opens_at = models.DateTimeField(_("ouverture des questions"), null=True, blank=True)
    session_closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    accepted_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised, maintained by forum.services.
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(default=timezone.now)
    last_poster = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Moves whenever one of its posts changes as others see it: the key of the shared cache
    # of its rendered pages (forum.pages).
    revision = models.PositiveIntegerField(default=0, editable=False)

    tags = TaggableManager(_("mots-clés"), blank=True)
    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("sujet")
        verbose_name_plural = _("sujets")
        indexes = [
            models.Index(fields=["category", "-is_pinned", "-last_post_at"], name="topic_category_list_idx"),
            models.Index(fields=["-is_pinned", "-last_post_at"], name="topic_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", args=[self.pk])

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    def session_state(self, now=None) -> str:
        """"" for a topic that is no session; else "upcoming", "open" or "closed"."""
        if self.session_opens_at is None and self.session_closes_at is None:
            return ""
        now = now or timezone.now()
        if self.session_opens_at is not None and now < self.session_opens_at:
            return "upcoming"
        if self.session_closes_at is not None and now >= self.session_closes_at:
            return "closed"
        return "open"

    @property
    def is_question(self) -> bool:
        return self.kind == TopicKind.QUESTION


class PostQuerySet(models.QuerySet):
    def readable_by(self, member: Member | None):
        """The posts of the categories ``member`` reads (hidden ones included: the permissions
        decide what of them is shown)."""
        return self.filter(readable_by_condition(member, "topic__category"))


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(editable=False)
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="forum_posts")
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    thanks_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)
    hidden_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # The topic title for the first post (so a search finds topics by title), empty otherwise.
    headline = models.CharField(max_length=160, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=models.expressions.CombinedExpression(
            FrenchVector("headline"), "||", FrenchBodyVector("body"),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="post_number_unique_in_topic"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_idx"),
            models.Index(fields=["author", "-created_at"], name="post_author_recent_idx"),
            models.Index(fields=["-created_at"], name="post_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", args=[self.pk])

    @property
    def title(self) -> str:
        """How the post reads in a member's favourites: its topic and its number."""
        return _("%(topic)s — message n°%(number)s") % {"topic": self.topic.title,
                                                         "number": self.number}


class PostRevision(models.Model):
    """The text of a post before an edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class ResourceCitationManager(models.Manager):
    def record(self, post: Post, *, new: bool = False) -> None:
        """Make ``post``'s citations those of its text (no query for a new post with no link)."""
        cited = rendering.cited_resource_ids(post.body_html)
        if cited:
            cited = set(Resource.objects.filter(pk__in=cited).values_list("pk", flat=True))
        if not new:
            self.filter(post=post).exclude(resource_id__in=cited).delete()
        self.bulk_create([self.model(post=post, resource_id=pk) for pk in sorted(cited)],
                         ignore_conflicts=True)


class ResourceCitation(models.Model):
    """A post that links to a library resource, written with the post (``forum.services``), so a
    resource's page finds the topics that cite it through an index rather than by reading every
    post's text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="resource_citations")
    resource = models.ForeignKey("resources.Resource", on_delete=models.CASCADE,
                                 related_name="forum_citations")

    objects = ResourceCitationManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "post"], name="one_citation_per_post")]


class Reaction(models.Model):
    """A "merci": one per member and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="one_thanks_per_member")]


class TopicRead(models.Model):
    """How far a member has read a topic (the number of the last post seen)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    last_read_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "member"], name="one_read_per_topic")]


class WatchedTopic(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watchers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "member"], name="one_topic_watch")]


class WatchedCategory(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="watchers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "member"],
                                               name="one_category_watch")]


class EmailFrequency(models.TextChoices):
    # The default: a mention, a quote, a reply in a topic one opened or to one's post emailed at
    # once (forum.notify decides), everything else in the daily digest.
    DIRECT = "direct", _("ce qui me concerne tout de suite, le reste en résumé quotidien")
    IMMEDIATELY = "immediately", _("à chaque notification")
    DAILY = "daily", _("résumé quotidien")
    WEEKLY = "weekly", _("résumé hebdomadaire")
    NEVER = "never", _("jamais")


class ForumProfile(models.Model):
    """A member's forum preferences and the counters shown in the header."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="forum_profile")
    email_frequency = models.CharField(
        _("recevoir les notifications par e-mail"), max_length=12, choices=EmailFrequency.choices,
        default=EmailFrequency.DIRECT,
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("réponse")
    MENTION = "mention", _("mention")
    QUOTE = "quote", _("citation")
    REACTION = "reaction", _("merci")
    ACCEPTED = "accepted", _("réponse acceptée")
    MODERATION = "moderation", _("modération")
    # The answer to an author's request about their hidden post (ModerationReview).
    REVIEW_RESTORED = "rev_restored", _("message rétabli après relecture")
    REVIEW_KEPT = "rev_kept", _("masquage maintenu après relecture")
    NEW_TOPIC = "new_topic", _("nouveau sujet")


class Notification(models.Model):
    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="forum_notifications")
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    actor = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the notification went out by email (immediately or in a digest), or never will.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="notification_unread_idx"),
            models.Index(fields=["recipient"], condition=Q(emailed_at=None), name="notification_unsent_idx"),
        ]


class FlagReason(models.TextChoices):
    RUDE = "rude", _("propos irrespectueux ou agressifs")
    IDENTITY = "identity", _("révèle l'identité de quelqu'un")
    OFF_TOPIC = "off_topic", _("hors sujet")
    SPAM = "spam", _("publicité ou spam")
    OTHER = "other", _("autre raison")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("à traiter")
    UPHELD = "upheld", _("message masqué")
    DISMISSED = "dismissed", _("écarté")


class Flag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("raison"), max_length=12, choices=FlagReason.choices)
    text = models.TextField(_("précisions"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="one_flag_per_member")]
        indexes = [models.Index(fields=["status", "created_at"], name="flag_queue_idx")]


class ModerationAction(models.Model):
    """The moderation log: who did what to which topic or post, and why."""

    class Action(models.TextChoices):
        HIDE = "hide", _("message masqué")
        RESTORE = "restore", _("message rétabli")
        DISMISS = "dismiss", _("signalements écartés")
        LOCK = "lock", _("sujet verrouillé")
        UNLOCK = "unlock", _("sujet déverrouillé")
        PIN = "pin", _("sujet épinglé")
        UNPIN = "unpin", _("sujet désépinglé")
        MOVE = "move", _("sujet déplacé")
        MERGE = "merge", _("sujets fusionnés")
        REDACT = "redact", _("passage masqué")
        REVIEW = "review", _("demande de relecture décidée")

    actor = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A redaction keeps the text it replaced here, and nowhere else, so that the moderation
    # team can check what was masked; the retention job empties it after
    # MODERATION_REDACTED_ORIGINAL_DAYS.
    original_body = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random names: nothing of the uploader or the original file name survives.
    import secrets

    return f"forum/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{instance.extension}"


class Attachment(models.Model):
    """An image re-encoded by Pillow (no metadata survives), served through a view."""

    uploader = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="attachments")
    image = models.FileField(upload_to=attachment_path)
    extension = models.CharField(max_length=5)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)


class Draft(models.Model):
    """What a member was typing: a reply in a topic, or a new topic in a category."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    title = models.CharField(max_length=160, blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], condition=Q(topic__isnull=False),
                                    name="one_reply_draft_per_topic"),
            models.UniqueConstraint(fields=["member", "category"], condition=Q(topic__isnull=True),
                                    name="one_topic_draft_per_category"),
        ]



class ModerationReview(models.Model):
    """An author's request to another moderator about their hidden post, once per hiding: the
    post rewritten for review, or the decision contested with a reason."""

    class Kind(models.TextChoices):
        REVISED = "revised", _("message modifié, à relire")
        CONTESTED = "contested", _("masquage contesté")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("en attente")
        RESTORED = "restored", _("message rétabli")
        KEPT = "kept", _("masquage maintenu")

    # The hiding it answers: one request per hiding, decided by anyone but who hid the post.
    hiding = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="review")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    revised_body = models.TextField(blank=True)  # the rewritten text, for REVISED
    revised_html = models.TextField(blank=True)  # as it would read, for the moderators
    reason = models.TextField(blank=True)  # the author's word to the moderators
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)  # shown to the author

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["outcome", "created_at"], name="forum_review_pending")]
