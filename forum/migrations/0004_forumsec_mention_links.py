"""Mentions already written link to members by their public identifier, not their number.

A post's HTML is rendered when it is written, so the links of existing mentions are rewritten
here (and back, when the migration is reversed).
"""

import re

from django.db import migrations

NUMBERED = re.compile(r'<a class="mention" href="/forum/membres/(\d+)/">')
OPAQUE = re.compile(r'<a class="mention" href="/forum/membres/([a-z2-9]{16})/">')


def _rewrite(apps, pattern, mapping):
    Post = apps.get_model("forum", "Post")
    posts = Post.objects.filter(body_html__contains='class="mention" href="/forum/membres/')
    for post in posts.only("pk", "body_html").iterator():
        html = pattern.sub(lambda m: (f'<a class="mention" href="/forum/membres/{mapping[m[1]]}/">'
                                      if m[1] in mapping else m[0]), post.body_html)
        if html != post.body_html:
            Post.objects.filter(pk=post.pk).update(body_html=html)


def to_public_ids(apps, schema_editor):
    Member = apps.get_model("comcep", "Member")
    mapping = {str(pk): public_id for pk, public_id in Member.objects.values_list("pk", "public_id")}
    _rewrite(apps, NUMBERED, mapping)


def to_numbers(apps, schema_editor):
    Member = apps.get_model("comcep", "Member")
    mapping = {public_id: str(pk) for pk, public_id in Member.objects.values_list("pk", "public_id")}
    _rewrite(apps, OPAQUE, mapping)


class Migration(migrations.Migration):
    dependencies = [("forum", "0003_link_existing_images"), ("comcep", "0006_forumsec_member_public_id")]

    operations = [migrations.RunPython(to_public_ids, to_numbers)]
