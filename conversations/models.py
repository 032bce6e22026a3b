"""Private conversations between members, known to each other by their pseudonym only."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.models import Member

MAX_PARTICIPANTS = 20


class Conversation(models.Model):
    subject = models.CharField(_("objet"), max_length=160, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.subject or f"conversation #{self.pk}"


class Participant(models.Model):
    """A member in a conversation: what they have read, whether they muted it or left it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="conversation_seats")
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(default=False)
    left_at = models.DateTimeField(null=True, blank=True)
    # The last email about this conversation: none more until the member has read it.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "member"],
                                               name="one_seat_per_member")]
        indexes = [models.Index(fields=["member", "left_at"])]


class MessageKind(models.TextChoices):
    TEXT = "text", _("message")
    LEFT = "left", _("départ")


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="conversation_messages")
    kind = models.CharField(max_length=8, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]


def image_path(instance: MessageImage, filename: str) -> str:
    # A random name: nothing of the sender or of the original file name survives.
    return f"conversations/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{instance.extension}"


class MessageImage(models.Model):
    """An image sent with a message, under the forum's rules: scanned, re-encoded by Pillow (no
    metadata survives), served to the conversation's present participants only."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to=image_path)
    extension = models.CharField(max_length=5)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Read in the image's place by a screen reader: its sender is asked for it.
    description = models.CharField(_("description"), max_length=300)


class Block(models.Model):
    """``blocker`` no longer hears from ``blocked``; ``blocked`` is never told."""

    blocker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="conversation_blocks")
    blocked = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]


class Report(models.Model):
    """A message shown to the moderators, with the one before and the one after it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="conversation_reports")
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_reader")]
