"""Keeping the shared topic lists right when tags change outside the forum's services.

Tags show on every row of a topic list (``forum.pages``). Besides topic creation, they can
be renamed, deleted or detached in the admin (taggit's own): each such change moves the
revision of the categories whose topics carry the tag, so that no list keeps showing a tag
that was renamed, perhaps because it named someone.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from taggit.models import Tag, TaggedItem

from forum.models import Category, Topic


def _lists_changed(category_ids) -> None:
    Category.objects.filter(pk__in=category_ids).update(revision=F("revision") + 1)


def _tag_renamed(sender, instance: Tag, created: bool, **kwargs) -> None:
    if not created:
        _lists_changed(Topic.objects.filter(tags__id=instance.pk).values("category_id"))


def _topic_tags_changed(sender, instance: TaggedItem, **kwargs) -> None:
    if instance.content_type_id == ContentType.objects.get_for_model(Topic).pk:
        _lists_changed(Topic.objects.filter(pk=instance.object_id).values("category_id"))


def connect() -> None:
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="forum-tag-renamed")
    post_save.connect(_topic_tags_changed, sender=TaggedItem, dispatch_uid="forum-tagged")
    post_delete.connect(_topic_tags_changed, sender=TaggedItem, dispatch_uid="forum-untagged")
