"""Table cells already written are aligned by a class rather than a style attribute.

The Content-Security-Policy (style-src 'self') refuses style attributes, so a post's stored
HTML is rewritten here (and back, when the migration is reversed).
"""

import re

from django.db import migrations

STYLED = re.compile(r'<(th|td) style="text-align:(left|center|right)">')
CLASSED = re.compile(r'<(th|td) class="align-(left|center|right)">')


def _rewrite(apps, pattern, replacement, marker):
    Post = apps.get_model("forum", "Post")
    for post in Post.objects.filter(body_html__contains=marker).only("pk", "body_html").iterator():
        html = pattern.sub(replacement, post.body_html)
        if html != post.body_html:
            Post.objects.filter(pk=post.pk).update(body_html=html)


def to_classes(apps, schema_editor):
    _rewrite(apps, STYLED, r'<\1 class="align-\2">', 'style="text-align:')


def to_styles(apps, schema_editor):
    _rewrite(apps, CLASSED, r'<\1 style="text-align:\2">', 'class="align-')


class Migration(migrations.Migration):
    dependencies = [("forum", "0004_forumsec_mention_links")]

    operations = [migrations.RunPython(to_classes, to_styles)]
