"""The two fragments repeated on the busiest pages — a post, a topic row — built in Python.

The Django template engine spends about 0.5 ms per post on the includes,
translations and filters of a post; a 50-post page then costs 25 ms of
rendering alone. These functions build the same markup in a few microseconds,
from the shared parts of ``forum.pages`` and what belongs to the reader.
Everything from members goes through ``escape``; ``body_html`` was sanitised by
nh3 when the post was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape  # the standard one: Django's is wrapped for lazy strings, slower per call

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comcep import roles
from forum import permissions
from forum.models import Topic
from forum.pages import PostView, TopicRow, short_month_names


@dataclass
class PostLabels:
    """Translated words, looked up once per page rather than once per post."""

    unread: str
    edited: str
    accepted: str
    hidden: str
    reason: str
    quote: str
    accept: str
    unaccept: str
    edit: str
    flag: str
    favourite: str
    restore: str
    redact: str
    thanks: str
    expert: str
    expert_title: str
    moderator: str
    moderator_title: str

    @classmethod
    def current(cls) -> PostLabels:
        return cls(
            unread=_("non lu"), edited=_("modifié"), accepted=_("réponse acceptée"),
            hidden=_("Message masqué par l'équipe d'animation."), reason=_("Raison :"), quote=_("Citer"),
            accept=_("Accepter cette réponse"), unaccept=_("Retirer la réponse acceptée"),
            edit=_("Modifier"), flag=_("Signaler"), favourite=_("Favori"), restore=_("Rétablir"),
            redact=_("Masquer un passage"), thanks=_("Merci"),
            expert=_("expert·e"), expert_title=_("Expert·e reconnu·e"), moderator=_("animation"),
            moderator_title=_("Membre de l'équipe d'animation"),
        )


def badges(labels: PostLabels, *, expert: bool, moderator: bool) -> str:
    out = ""
    if expert:
        out += (f'<span class="badge badge-expert" title="{escape(labels.expert_title)}">'
                f"{escape(labels.expert)}</span>")
    if moderator:
        out += (f'<span class="badge badge-moderator" title="{escape(labels.moderator_title)}">'
                f"{escape(labels.moderator)}</span>")
    return out


@dataclass
class Reader:
    """Who reads a topic page, and what is theirs on it."""

    user: object
    last_read: int
    thanked_numbers: frozenset[int]
    can_reply: bool
    moderator: bool
    badges: dict[int, frozenset[str]]  # comcep.roles.badge_holders()
    now: datetime


def thanks_button(post, csrf: str, labels: PostLabels, *, can_thank: bool, thanked: bool) -> SafeString:
    url = f"/forum/message/{post.pk}/merci/"
    if can_thank:
        undo = '<input type="hidden" name="undo" value="1">' if thanked else ""
        style = "" if thanked else " button-secondary"
        inner = (
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#thanks-{post.pk}" '
            f'hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf)}">'
            f'{undo}<button class="button button-small{style}" type="submit" '
            f'aria-pressed="{"true" if thanked else "false"}">{escape(labels.thanks)} · '
            f"{post.thanks_count}</button></form>"
        )
    elif post.thanks_count:
        inner = f'<span class="muted">{escape(labels.thanks)} · {post.thanks_count}</span>'
    else:
        inner = ""
    return mark_safe(f'<span class="thanks" id="thanks-{post.pk}">{inner}</span>')  # noqa: S308


def _button_form(action: str, csrf: str, label: str) -> str:
    return (f'<form method="post" action="{action}"><input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(csrf)}"><button class="button button-secondary button-small" type="submit">'
            f"{escape(label)}</button></form>")


def posts(request, topic: Topic, items: list[PostView], reader: Reader) -> SafeString:
    """The articles of a topic page: the shared part of each post, and the reader's actions."""
    labels = PostLabels.current()
    csrf = get_token(request)
    user = reader.user
    expert_badge = badges(labels, expert=True, moderator=False)
    moderator_badge = badges(labels, expert=False, moderator=True)
    unread_mark = f'<span class="new">{escape(labels.unread)}</span>'
    accepted_mark = f'<span class="badge badge-accepted">✔ {escape(labels.accepted)}</span>'
    accepted_id = topic.accepted_post_id
    parts = []
    for post in items:
        unread = post.number > reader.last_read
        accepted = accepted_id == post.pk
        show_body = permissions.can_see_body(user, post)
        classes = "post"
        if unread:
            classes += " post-unread"
        if post.is_hidden:
            classes += " post-hidden"
        if accepted:
            classes += " post-accepted"
        head = [post.author_html]
        author_roles = reader.badges.get(post.author_id)
        if author_roles:
            if roles.Role.EXPERT in author_roles:
                head.append(expert_badge)
            if roles.Role.MODERATOR in author_roles:
                head.append(moderator_badge)
        head.append(post.stamp_html)
        if unread:
            head.append(unread_mark)
        if accepted:
            head.append(accepted_mark)
        body = []
        if post.is_hidden:
            reason = f" {escape(labels.reason)} {escape(post.hidden_reason)}" if show_body else ""
            body.append(f'<p class="hidden-note" role="note">{escape(labels.hidden)}{reason}</p>')
        if show_body:
            body.append(f'<div class="post-body">{post.body_html}</div>')
        actions = [thanks_button(post, csrf, labels, can_thank=permissions.can_thank(user, post),
                                 thanked=post.number in reader.thanked_numbers)]
        if reader.can_reply and not post.is_hidden:
            actions.append(f'<a class="button button-secondary button-small" '
                           f'href="/forum/sujet/{topic.pk}/repondre/?citer={post.pk}">'
                           f"{escape(labels.quote)}</a>")
        if permissions.can_accept_answer(user, topic, post):
            actions.append(_button_form(f"/forum/message/{post.pk}/accepter/", csrf,
                                        labels.unaccept if accepted else labels.accept))
        if permissions.can_edit_post(user, post, now=reader.now):
            actions.append(f'<a class="button button-secondary button-small" '
                           f'href="/forum/message/{post.pk}/modifier/">{escape(labels.edit)}</a>')
        if permissions.can_favourite(user, post):
            actions.append(f'<a class="button button-secondary button-small" '
                           f'href="/forum/message/{post.pk}/favori/">☆ {escape(labels.favourite)}</a>')
        if permissions.can_flag(user, post):
            actions.append(f'<a class="button button-secondary button-small" '
                           f'href="/forum/message/{post.pk}/signaler/">{escape(labels.flag)}</a>')
        if reader.moderator and post.is_hidden:
            actions.append(_button_form(f"/forum/message/{post.pk}/retablir/", csrf, labels.restore))
        if reader.moderator and not post.is_hidden:
            actions.append(f'<a class="button button-secondary button-small" '
                           f'href="/forum/message/{post.pk}/masquer-passage/">{escape(labels.redact)}</a>')
        parts.append(
            f'<article class="{classes}" id="p{post.number}">'
            f'<header class="post-head">{"".join(head)}</header>'
            f'{"".join(body)}<footer class="post-actions">{"".join(actions)}</footer></article>\n'
        )
    return mark_safe("".join(parts))  # noqa: S308  (escaped above; body_html sanitised on write)


def topic_rows(rows: list[TopicRow], last_read: dict[int, int]) -> SafeString:
    """A topic list: the shared rows, with the reader's unread marks."""
    new = escape(_("nouveau"))
    now = timezone.now()
    out = []
    for row in rows:
        read = last_read.get(row.pk)
        marks = ""
        if read is None:
            marks = f' <span class="new">{new}</span>'
        elif read < row.post_count:
            unread = row.post_count - read
            count = ngettext("%(n)s non lu", "%(n)s non lus", unread) % {"n": unread}
            marks = f' <span class="new">{escape(count)}</span>'
        unread_class = " unread" if read is None or read < row.post_count else ""
        last = _("%(who)s, il y a %(when)s") % {"who": row.last_poster,
                                                 "when": timesince(row.last_post_at, now, depth=1)}
        out.append(
            f'<li class="topic-row{unread_class}"><div class="topic-main">{row.main_html}{marks}'
            f'<div class="topic-meta muted">{row.meta_html}</div></div><div class="topic-stats muted">'
            f"<span>{row.replies}</span><span>{escape(last)}</span></div></li>\n"
        )
    if not out:
        empty = escape(_("Aucun sujet pour l'instant."))
        out.append(f'<li class="muted">{empty}</li>')
    return mark_safe(f'<ol class="topic-list">{"".join(out)}</ol>')  # noqa: S308  (escaped above)


def search_results(results) -> SafeString:
    """The results of a search: topic, category, author, date and the highlighted excerpt."""
    months = short_month_names()
    items = []
    for post in results:
        when = timezone.localtime(post.created_at)
        items.append(
            f'<li class="card"><a href="/forum/message/{post.pk}/">'
            f"<strong>{escape(post.topic.title)}</strong></a>"
            f' <span class="muted small">{escape(post.topic.category.name)} · '
            f"{escape(post.author.pseudonym)} · "
            f"{when.day} {months[when.month - 1]} {when.year}</span>"
            f'<p class="excerpt">{post.excerpt_html}</p></li>\n'
        )
    # Escaped above; excerpts are escaped by forum.search.highlight.
    return mark_safe(f'<ol class="results">{"".join(items)}</ol>')  # noqa: S308
