"""Tie the images already shown in posts to those posts.

Before this, nothing set ``Attachment.post``; the sweep of unused uploads
(``forum.images.delete_unused_attachments``) would otherwise take every image of
the posts written until now for abandoned. The same rule as ``link_attachments``:
an author's own uploads that the text of their post shows.
"""

import re

from django.db import migrations

IMAGE_URL = re.compile(r"/forum/images/(\d+)\.(\w{1,5})\b")


def link_existing_images(apps, schema_editor):
    Attachment = apps.get_model("forum", "Attachment")
    Post = apps.get_model("forum", "Post")
    posts = (Post.objects.filter(body__contains="/forum/images/")
             .values_list("pk", "author_id", "body").iterator(chunk_size=2000))
    for post_id, author_id, body in posts:
        for pk, ext in set(IMAGE_URL.findall(body)):
            Attachment.objects.filter(pk=int(pk), extension=ext, uploader_id=author_id, post=None).update(
                post_id=post_id)


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_revisions")]

    operations = [migrations.RunPython(link_existing_images, migrations.RunPython.noop)]
