"""Forum pages. Thin: look up, check permission, call a service, render.

Every view is wrapped in ``community_required``: operator managers get a 403
on every page of the forum, visitors are sent to sign in.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comcep import idempotency, identity, notices, roles
from comcep.files import ranged_file_response
from comcep.models import Member
from comcep.permissions import community_required
from comcep.pseudonyms import key as pseudonym_key
from forum import extras as forum_extras
from forum import forms, html, notify, pages, permissions, queries, search, services
from forum.models import (
    Attachment,
    Category,
    Draft,
    EmailFrequency,
    Flag,
    FlagStatus,
    ForumProfile,
    ModerationAction,
    ModerationReview,
    Notification,
    Post,
    StartPolicy,
    Topic,
    readable_by_condition,
)


def _member(request) -> Member:
    return identity.member_of(request.user)


def _context(request, *, unread_notifications: int | None = None, **extra) -> dict:
    """What every forum page shows; ``unread_notifications`` when the page's query already read it."""
    member = _member(request)
    if unread_notifications is None:
        unread_notifications = queries.unread_notification_count(member.pk)
    return {
        "member": member,
        "unread_notifications": unread_notifications,
        "is_forum_moderator": permissions.is_moderator(request.user),
        **extra,
    }


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _topic_page(topic_id: int, page: int = 1, number: int | None = None):
    """A redirect to a page of a topic, at post ``number`` when given."""
    anchor = f"#p{number}" if number is not None else ""
    return redirect(f"{reverse('forum:topic', args=[topic_id])}?page={page}{anchor}")


def _post_in_topic(topic_id: int, number: int):
    """A redirect to the page of a topic that holds its post ``number``."""
    return _topic_page(topic_id, queries.page_of_post(number), number)


# --- Reading --------------------------------------------------------------------------


def _topic_list(member, rows: list[pages.TopicRow]) -> str:
    """The rows of a topic list (shared by every reader), with this reader's unread marks."""
    return html.topic_rows(rows, pages.last_read_of(member, [row.pk for row in rows]))


def _topics_across_categories(request, topics, page: int) -> dict:
    """A page of ``topics`` (read with ``for_list()``), for the lists that have no count: index, tag."""
    per_page = queries.TOPICS_PER_PAGE
    topics = list(topics[queries.page_slice(page, per_page, extra=1)])
    rows = pages.topic_rows(topics[:per_page], show_category=True)
    return {"page": page, "has_next": len(topics) > per_page,
            "topic_rows": _topic_list(_member(request), rows)}


@community_required
def index(request):
    """The categories, then the topics of every category by last activity."""
    categories = pages.public_categories()
    page = _page_number(request)
    rows, has_next = pages.latest_rows(categories, page)
    return render(request, "forum/index.html", _context(
        request, categories_html=html.category_list(categories), page=page, has_next=has_next,
        topic_rows=_topic_list(_member(request), rows),
    ))


@community_required
def category_detail(request, slug):
    member = _member(request)
    reading = pages.category_for_reader(member, slug)
    category = reading.category
    page = _page_number(request)
    pages_count = queries.page_count(category.topic_count, queries.TOPICS_PER_PAGE)
    if page > pages_count:
        raise Http404
    rows = pages.category_rows(category, page)
    return render(request, "forum/category.html", _context(
        request, unread_notifications=reading.unread_notifications, category=category,
        watching=reading.watching, page=page,
        pages=pages_count, topic_rows=_topic_list(member, rows),
        can_start=permissions.can_start_topic(request.user, category),
    ))


@community_required
def tag_detail(request, tag):
    return render(request, "forum/tag.html", _context(
        request, tag=tag,
        **_topics_across_categories(request, Topic.objects.for_list().public().filter(tags__name=tag),
                                    _page_number(request)),
    ))


@community_required
def topic_detail(request, pk, slug=""):
    """A page of 50 posts; without a page number, the page of the first unread post, answered at
    once (no redirect) and scrolled to that post by the page's script."""
    member = _member(request)
    reading = pages.topic_for_reader(member, pk)
    topic, last_read = reading.topic, reading.last_read
    pages_count = queries.page_count(topic.post_count, queries.POSTS_PER_PAGE)
    first_unread = min(last_read + 1, topic.post_count)
    start_at = None
    if "page" in request.GET:
        page = min(_page_number(request), pages_count)
    else:
        page = queries.page_of_post(first_unread)
        start_at = first_unread if first_unread > 1 else None
    posts = pages.post_views(topic, page)
    if posts and posts[-1].number > last_read:
        services.mark_read(member, topic, posts[-1].number)
    # The account itself rather than request.user's lazy wrapper: read per post.
    user = identity.account_of(member, purpose=identity.Purpose.OWN_SESSION)
    moderator = permissions.is_moderator(user)
    can_reply = permissions.can_reply(user, topic)
    reader = html.Reader(user=user, last_read=last_read, thanked_numbers=reading.thanked_numbers,
                         can_reply=can_reply, moderator=moderator, badges=roles.badge_holders(),
                         now=timezone.now())
    return render(request, "forum/topic.html", _context(
        request, unread_notifications=reading.unread_notifications, topic=topic,
        tag_names=reading.tag_names, watching=reading.watching, page=page, pages=pages_count,
        start_at=start_at, session_state=topic.session_state(),
        can_reply=can_reply, moderator=moderator,
        submission_token=idempotency.new_token() if can_reply else "",
        posts_html=html.posts(request, topic, posts, reader),
    ))


@community_required
def post_favourite(request, pk):
    """A post with its favourite button: saved from here, so topic pages stay light."""
    post = get_object_or_404(Post.objects.readable_by(_member(request)).select_related("topic", "author"),
                             pk=pk)
    if not permissions.can_favourite(request.user, post):
        raise Http404
    return render(request, "forum/post_favourite.html", _context(request, post=post))


@community_required
def post_permalink(request, pk):
    post = get_object_or_404(Post.objects.readable_by(_member(request)).only("pk", "topic_id", "number"),
                             pk=pk)
    return _post_in_topic(post.topic_id, post.number)


# --- Writing --------------------------------------------------------------------------


@community_required
def topic_new(request, slug):
    category = get_object_or_404(Category.objects.readable_by(_member(request)), slug=slug)
    permissions.check_start_topic(request.user, category)
    member = _member(request)
    draft = Draft.objects.filter(member=member, category=category, topic=None).first()
    initial = {"title": draft.title, "body": draft.body} if draft else {}
    if not draft and request.method == "GET" and "ressource" in request.GET:
        initial = forum_extras.question_about(request.GET["ressource"]) or initial
    form = forms.TopicForm(request.POST or None, initial=initial,
                           session=category.start_policy == StartPolicy.EXPERTS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opens, closes = data.get("session_opens_at"), data.get("session_closes_at")

        def create() -> str:
            topic = services.create_topic(actor=member, category=category, title=data["title"],
                                          body=data["body"], kind=data["kind"], tags=data["tags"],
                                          session_opens_at=opens, session_closes_at=closes)
            return reverse("forum:topic", args=[topic.pk])

        try:
            # The same form sent twice (double click, resent request) opens one topic.
            outcome = idempotency.once(
                token=form.submission_token, scope=f"forum.topic:category {category.pk}",
                user=request.user, create=create,
                content_digest=idempotency.digest(data["title"], data["kind"], data["tags"], data["body"],
                                                  str(opens), str(closes)),
            )
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre sujet est publié."))
            return redirect(outcome.result)
    return render(request, "forum/topic_new.html", _context(request, category=category, form=form))


def _quote(post: Post) -> str:
    lines = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    header = _("**%(pseudonym)s** a écrit ([message n°%(number)s](/forum/message/%(pk)s/)) :") % {
        "pseudonym": post.author.pseudonym, "number": post.number, "pk": post.pk}
    return f"> {header}\n>\n{lines}\n\n"


@community_required
def reply(request, pk):
    """The reply form; ?citer=<post> starts it with a quote of that post."""
    topic = get_object_or_404(Topic.objects.readable_by(_member(request)).select_related("category"), pk=pk)
    permissions.check_reply(request.user, topic)
    member = _member(request)
    if request.method == "POST":
        form = forms.ReplyForm(request.POST)
        if form.is_valid():
            reply_to = None
            if form.cleaned_data.get("reply_to"):
                reply_to = Post.objects.filter(pk=form.cleaned_data["reply_to"], topic=topic).first()

            def create() -> str:
                post = services.create_post(actor=member, topic=topic, body=form.cleaned_data["body"],
                                            reply_to=reply_to)
                return reverse("forum:post", args=[post.pk])

            try:
                # The same reply sent twice (double click, resent request) makes one post.
                outcome = idempotency.once(
                    token=form.submission_token, scope=f"forum.reply:topic {topic.pk}",
                    user=request.user, create=create,
                    content_digest=idempotency.digest(form.cleaned_data["body"],
                                                      reply_to.pk if reply_to else None),
                )
            except idempotency.TokenRefused as error:
                form.refuse_token(error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(outcome.result)
    else:
        initial = {}
        quoted = request.GET.get("citer", "")
        if quoted.isdigit():
            post = Post.objects.select_related("author").filter(pk=quoted, topic=topic).first()
            if post is not None and permissions.can_see_body(request.user, post):
                initial = {"body": _quote(post), "reply_to": post.pk}
        if not initial:
            draft = Draft.objects.filter(member=member, topic=topic).first()
            if draft:
                initial = {"body": draft.body}
        form = forms.ReplyForm(initial=initial)
    return render(request, "forum/reply.html", _context(request, topic=topic, form=form))


@community_required
def post_edit(request, pk):
    post = get_object_or_404(Post.objects.readable_by(_member(request)).select_related("topic"), pk=pk)
    permissions.check_edit_post(request.user, post)
    form = forms.EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        services.edit_post(post=post, body=form.cleaned_data["body"])
        messages.success(request, _("Votre message est modifié."))
        return redirect("forum:post", pk=post.pk)
    return render(request, "forum/post_edit.html", _context(request, post=post, form=form,
                                                            window=permissions.EDIT_WINDOW))


@community_required
def post_history(request, pk):
    post = get_object_or_404(Post.objects.readable_by(_member(request)).select_related("topic", "author"),
                             pk=pk)
    if not permissions.can_see_body(request.user, post):
        raise Http404
    revisions = list(post.revisions.all())
    return render(request, "forum/post_history.html", _context(request, post=post, revisions=revisions))


@community_required
@require_POST
def post_thank(request, pk):
    post = get_object_or_404(Post.objects.readable_by(_member(request)), pk=pk)
    permissions.check_thank(request.user, post)
    member = _member(request)
    if request.POST.get("undo"):
        services.unthank_post(actor=member, post=post)
        thanked = False
    else:
        services.thank_post(actor=member, post=post)
        thanked = True
    post.refresh_from_db(fields=["thanks_count"])
    if request.htmx:
        return HttpResponse(html.thanks_button(request, post, can_thank=True, thanked=thanked))
    return redirect("forum:post", pk=post.pk)


@community_required
@require_POST
def post_accept(request, pk):
    post = get_object_or_404(Post.objects.readable_by(_member(request)).select_related("topic"), pk=pk)
    topic = post.topic
    permissions.check_accept_answer(request.user, topic, post)
    undo = topic.accepted_post_id == post.pk
    services.accept_answer(actor=_member(request), topic=topic, post=None if undo else post)
    return redirect("forum:post", pk=post.pk)


@community_required
@require_POST
def topic_watch(request, pk):
    topic = get_object_or_404(Topic.objects.readable_by(_member(request)), pk=pk)
    services.set_watch_topic(_member(request), topic, request.POST.get("watch") == "1")
    return redirect("forum:topic", pk=topic.pk)


@community_required
@require_POST
def category_watch(request, slug):
    category = get_object_or_404(Category.objects.readable_by(_member(request)), slug=slug)
    services.set_watch_category(_member(request), category, request.POST.get("watch") == "1")
    return redirect("forum:category", slug=category.slug)


@community_required
@require_POST
def draft_save(request):
    """Called while typing (htmx); keeps what was typed for the next visit."""
    member = _member(request)
    body = forms.clean_text(request.POST.get("body", ""))[: forms.MAX_BODY]
    topic_id, category_slug = request.POST.get("topic"), request.POST.get("category")
    if topic_id and topic_id.isdigit():
        topic = get_object_or_404(Topic.objects.readable_by(member), pk=topic_id)
        services.save_draft(member=member, body=body, topic=topic)
    elif category_slug:
        category = get_object_or_404(Category.objects.readable_by(member), slug=category_slug)
        title = forms.clean_text(request.POST.get("title", ""))[: forms.MAX_TITLE]
        services.save_draft(member=member, body=body, title=title, category=category)
    else:
        raise Http404
    return JsonResponse({"saved": True})


# --- Members ----------------------------------------------------------------------------


@community_required
def member_profile(request, public_id):
    """Pseudonym, badges, opted-in network and region, activity — never a real identity."""
    profile = get_object_or_404(Member.objects.active().select_related("operator", "region"),
                                public_id=public_id)
    badges = roles.badge_holders().get(profile.pk, frozenset())  # as next to their posts
    # What the public forum shows of them: never a post of a members-only category.
    public_posts = Post.objects.filter(author=profile, is_hidden=False, topic__category__members_only=False)
    posts = list(
        public_posts.select_related("topic")
        .order_by("-created_at")[:10]
    )
    stats = public_posts.aggregate(
        posts=Count("pk"), topics=Count("pk", filter=Q(number=1))
    )
    return render(request, "forum/member.html", _context(
        request, profile=profile, posts=posts, stats=stats,
        profile_is_expert=roles.Role.EXPERT in badges,
        profile_is_moderator=roles.Role.MODERATOR in badges,
    ))


@community_required
def member_autocomplete(request):
    """Pseudonyms starting with ?q=, for @mentions."""
    q = pseudonym_key(request.GET.get("q", ""))[:30]
    if not q:
        return JsonResponse({"results": []})
    names = (Member.objects.active().filter(pseudonym_key__startswith=q)
             .order_by("pseudonym").values_list("pseudonym", flat=True)[:8])
    return JsonResponse({"results": list(names)})


# --- Notifications -------------------------------------------------------------------------


@community_required
def notifications(request):
    member = _member(request)
    items = list(
        Notification.objects.filter(recipient=member).select_related("actor", "topic", "post")[:50]
    )
    profile, _created = ForumProfile.objects.get_or_create(member=member)
    return render(request, "forum/notifications.html", _context(
        request, notifications=items, other_notices=notices.latest_for(member.pk),
        preferences_form=forms.PreferencesForm(initial={"email_frequency": profile.email_frequency}),
    ))


@community_required
def notification_open(request, pk):
    member = _member(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=member)
    if notification.read_at is None:
        services.mark_notifications_read(member, pk=notification.pk)
    if notification.post_id:
        return redirect("forum:post", pk=notification.post_id)
    return redirect("forum:topic", pk=notification.topic_id)


@community_required
@require_POST
def notifications_read_all(request):
    member = _member(request)
    services.mark_notifications_read(member)
    notices.mark_all_read(member.pk)
    return redirect("forum:notifications")


@community_required
@require_POST
def preferences(request):
    form = forms.PreferencesForm(request.POST)
    if form.is_valid():
        services.set_email_frequency(_member(request).pk, form.cleaned_data["email_frequency"])
        messages.success(request, _("Vos préférences sont enregistrées."))
    return redirect("forum:notifications")


def unsubscribe(request, token):
    """The link of every forum email: works without signing in; managers still get nothing."""
    if request.user.is_authenticated and not roles.is_community_member(request.user):
        raise PermissionDenied
    member_id = notify.member_from_token(token)
    if member_id is None or not Member.objects.filter(pk=member_id).exists():
        raise Http404
    done = False
    if request.method == "POST":
        services.set_email_frequency(member_id, EmailFrequency.NEVER)
        done = True
    return render(request, "forum/unsubscribe.html", {"done": done})


# --- Search ------------------------------------------------------------------------------


@community_required
def search_view(request):
    form = forms.SearchForm(request.GET or None, reader=_member(request))
    results = []
    searched = form.is_valid() and bool(form.cleaned_data.get("q"))
    if searched:
        data = form.cleaned_data
        results = search.search_posts(search.Filters(
            q=data["q"], category=data["category"].pk if data["category"] else None,
            tag=data["tag"], author=data["author"], since=data["since"], until=data["until"],
            reader=_member(request).pk,
        ))
    return render(request, "forum/search.html", _context(
        request, form=form, searched=searched, results=results, results_html=html.search_results(results),
        categories=pages.public_categories()))


# --- Flags and moderation ---------------------------------------------------------------


@community_required
def post_flag(request, pk):
    post = get_object_or_404(Post.objects.readable_by(_member(request)).select_related("topic", "author"),
                             pk=pk)
    permissions.check_flag(request.user, post)
    form = forms.FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.flag_post(actor=_member(request), post=post, reason=form.cleaned_data["reason"],
                           text=forms.clean_text(form.cleaned_data["text"]))
        messages.success(request, _("Merci, l'équipe d'animation va examiner ce message."))
        return redirect("forum:post", pk=post.pk)
    return render(request, "forum/flag.html", _context(request, post=post, form=form))


@community_required
def post_review_request(request, pk):
    """The author of a hidden post asks, once per hiding, for another moderator to read it
    again: rewritten, or with the reason they contest the hiding."""
    post = get_object_or_404(Post.objects.readable_by(_member(request)).select_related("topic"), pk=pk)
    if not permissions.can_request_review(request.user, post):
        raise Http404
    hiding = services.hiding_of(post)
    existing = ModerationReview.objects.filter(hiding=hiding).first()
    form = forms.ReviewRequestForm(request.POST or None, initial={"revised_body": post.body})
    if existing is None and request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.request_review(author=_member(request), post=post, kind=data["kind"],
                                    revised_body=data["revised_body"], reason=data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre demande est envoyée à l'équipe d'animation."))
            return redirect("forum:post", pk=post.pk)
    return render(request, "forum/post_review_request.html", _context(
        request, post=post, hiding=hiding, existing=existing, form=form))


@community_required
@require_POST
def review_decide(request, pk):
    review = get_object_or_404(ModerationReview.objects.select_related("hiding", "post"), pk=pk)
    permissions.check_moderate(request.user)
    if not permissions.can_decide_review(request.user, review):
        raise PermissionDenied
    form = forms.ReviewDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de rétablir le message ou de maintenir le masquage."))
    elif services.decide_review(actor=_member(request), review=review,
                                restore=form.cleaned_data["decision"] == "restore",
                                note=form.cleaned_data["note"]):
        messages.success(request, _("Décision enregistrée ; l'auteur·rice en est informé·e."))
    else:
        messages.info(request, _("Cette demande a déjà été traitée."))
    return redirect("forum:moderation")


@community_required
def moderation_queue(request):
    permissions.check_moderate(request.user)
    flagged = list(
        Post.objects.filter(flags__status=FlagStatus.OPEN).distinct()
        .select_related("topic", "author")
        .prefetch_related(
            Prefetch("flags", queryset=Flag.objects.filter(status=FlagStatus.OPEN).select_related("member"),
                     to_attr="open_flags")
        )
        .order_by("pk")[:100]
    )
    me = _member(request).pk
    reviews = [
        review for review in ModerationReview.objects.filter(outcome=ModerationReview.Outcome.PENDING)
        .select_related("post__topic", "post__author", "hiding__actor")[:100]
        # What a moderator hid, or wrote, is read again by a colleague.
        if me not in (review.hiding.actor_id, review.post.author_id)
    ]
    return render(request, "forum/moderation_queue.html", _context(
        request, flagged=flagged, reason_form=forms.ReasonForm(), reviews=reviews,
    ))


def _moderated_posts(request):
    """What a moderator acts on: the posts they read, and in a discussion kept to its members
    (a working group's), only the flagged ones and those under review (404 for the rest)."""
    return Post.objects.filter(permissions.moderation_scope(_member(request)))


def _moderated_post_url(request, post: Post) -> str:
    """Where a moderator reads ``post`` after acting: its page when they read its topic, else the
    flagged post with its neighbours while it is brought to them, else the queue."""
    member = _member(request)
    if Post.objects.readable_by(member).filter(pk=post.pk).exists():
        return reverse("forum:post", args=[post.pk])
    if Post.objects.filter(permissions.under_moderation(), pk=post.pk).exists():
        return reverse("forum:flag_context", args=[post.pk])
    return reverse("forum:moderation")


@community_required
def flag_context(request, pk):
    """For a moderator: a flagged post (or one under review) with the post before and after it in
    its topic, nothing more; the way to read it when its topic is kept to a group's members."""
    permissions.check_moderate(request.user)
    post = get_object_or_404(Post.objects.filter(permissions.under_moderation())
                             .select_related("topic", "author"), pk=pk)
    around = Post.objects.filter(topic_id=post.topic_id).select_related("author")
    before = around.filter(number__lt=post.number).order_by("-number").first()
    after = around.filter(number__gt=post.number).order_by("number").first()
    flags = list(post.flags.filter(status=FlagStatus.OPEN).select_related("member"))
    return render(request, "forum/flag_context.html", _context(
        request, post=post, thread=[p for p in (before, post, after) if p is not None], open_flags=flags,
        reason_form=forms.ReasonForm(),
        topic_url=(reverse("forum:post", args=[post.pk])
                   if Post.objects.readable_by(_member(request)).filter(pk=post.pk).exists() else "")))


@community_required
def moderation_log(request):
    permissions.check_moderate(request.user)
    actions = ModerationAction.objects.select_related("actor", "topic", "post")[:200]
    return render(request, "forum/moderation_log.html", _context(request, actions=actions))


@community_required
@require_POST
def post_hide(request, pk):
    permissions.check_moderate(request.user)
    post = get_object_or_404(_moderated_posts(request).select_related("topic"), pk=pk)
    back = _safe_next(request) or reverse("forum:moderation")
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la raison, elle sera montrée à l'auteur·rice."))
        return redirect(back)
    reason = forms.clean_text(form.cleaned_data["reason"])
    services.hide_post(actor=_member(request), post=post, reason=reason)
    messages.success(request, _("Le message est masqué."))
    return redirect(back)


@community_required
@require_POST
def post_restore(request, pk):
    permissions.check_moderate(request.user)
    post = get_object_or_404(_moderated_posts(request).select_related("topic"), pk=pk)
    services.restore_post(actor=_member(request), post=post, reason=request.POST.get("reason", "")[:1000])
    messages.success(request, _("Le message est rétabli."))
    return redirect(_moderated_post_url(request, post))


@community_required
def post_redact(request, pk):
    """Mask passages of a post (a beneficiary's data) rather than hiding the whole post."""
    permissions.check_moderate(request.user)
    post = get_object_or_404(_moderated_posts(request).select_related("topic"), pk=pk)
    form = forms.RedactForm(request.POST or None, body=post.body)
    if request.method == "POST" and form.is_valid():
        services.redact_post(actor=_member(request), post=post, passages=form.cleaned_data["chosen"],
                             reason=forms.clean_text(form.cleaned_data["reason"]))
        messages.success(request, _("Les passages sont masqués."))
        return redirect(_moderated_post_url(request, post))
    return render(request, "forum/post_redact.html", _context(request, post=post, form=form,
                                                              back=_moderated_post_url(request, post)))


@community_required
@require_POST
def flags_dismiss(request, pk):
    permissions.check_moderate(request.user)
    post = get_object_or_404(_moderated_posts(request).select_related("topic"), pk=pk)
    services.dismiss_flags(actor=_member(request), post=post)
    messages.success(request, _("Les signalements sont écartés."))
    return redirect("forum:moderation")


@community_required
@require_POST
def topic_moderate(request, pk):
    """Lock/unlock and pin/unpin."""
    permissions.check_moderate(request.user)
    topic = get_object_or_404(Topic.objects.readable_by(_member(request)), pk=pk)
    action = request.POST.get("action")
    changes = {"lock": {"locked": True}, "unlock": {"locked": False},
               "pin": {"pinned": True}, "unpin": {"pinned": False}}.get(action)
    if changes is None:
        raise Http404
    services.set_topic_state(actor=_member(request), topic=topic, **changes)
    return _topic_page(topic.pk)


@community_required
def topic_move(request, pk):
    permissions.check_moderate(request.user)
    topic = get_object_or_404(Topic.objects.readable_by(_member(request)).select_related("category"), pk=pk)
    form = forms.MoveForm(request.POST or None, initial={"category": topic.category_id})
    if request.method == "POST" and form.is_valid():
        services.move_topic(actor=_member(request), topic=topic, category=form.cleaned_data["category"])
        messages.success(request, _("Le sujet est déplacé."))
        return _topic_page(topic.pk)
    return render(request, "forum/topic_move.html", _context(request, topic=topic, form=form))


@community_required
def topic_merge(request, pk):
    permissions.check_moderate(request.user)
    source = get_object_or_404(Topic.objects.readable_by(_member(request)).select_related("category"), pk=pk)
    form = forms.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Within the source's own category kind: a public topic never merges into a
        # members-only one, nor the reverse.
        target = (Topic.objects.readable_by(_member(request))
                  .filter(pk=form.cleaned_data["target"], category__members_only=source.category.members_only)
                  .first())
        if target is None:
            form.add_error("target", _("Aucun sujet ne porte ce numéro."))
        else:
            try:
                services.merge_topics(actor=_member(request), source=source, target=target)
            except ValidationError as error:
                form.add_error("target", error)
            else:
                messages.success(request, _("Les sujets sont fusionnés."))
                return _topic_page(target.pk)
    return render(request, "forum/topic_merge.html", _context(request, topic=source, form=form))


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    forum = reverse("forum:index")
    return target if target.startswith(forum) and "//" not in target else ""


# --- Attachments -----------------------------------------------------------------------


@community_required
@require_POST
def attachment_upload(request):
    from forum import images

    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": _("Choisissez une image.")}, status=400)
    try:
        attachment = images.store_image(uploader=_member(request), upload=form.cleaned_data["image"])
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    url = reverse("forum:attachment", args=[attachment.pk, attachment.extension])
    return JsonResponse({"url": url,
                         "markdown": images.markdown_for(url, form.cleaned_data["description"])})


@community_required
def attachment_serve(request, pk, ext):
    # An image of a post in a members-only category is served to its members only.
    readable = Q(post__isnull=True) | readable_by_condition(_member(request), "post__topic__category")
    attachment = get_object_or_404(Attachment.objects.filter(readable), pk=pk, extension=ext)
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[attachment.extension]
    response = ranged_file_response(request, attachment.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response

