"""The citations of resources by posts, written with each post from now on: those of the posts
already written are read once from their text."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LINK_RE = re.compile(r'href="(?P<origin>https?://[^/"]+)?/ressources/(?P<pk>\d+)/')


def cite_from_written_posts(apps, schema_editor):
    Post = apps.get_model("forum", "Post")
    Resource = apps.get_model("resources", "Resource")
    Citation = apps.get_model("forum", "ResourceCitation")
    own = settings.SITE_URL.rstrip("/")
    existing = set(Resource.objects.values_list("pk", flat=True))
    citations = []
    for pk, html in Post.objects.filter(body_html__contains="/ressources/").values_list("pk", "body_html").iterator():
        cited = {int(m["pk"]) for m in LINK_RE.finditer(html)
                 if not m["origin"] or m["origin"].rstrip("/") == own}
        citations += [Citation(post_id=pk, resource_id=r) for r in sorted(cited & existing)]
    Citation.objects.bulk_create(citations, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('forum', '0006_guard_redacted_original'),
        ('resources', '0003_withdrawn'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResourceCitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resource_citations', to='forum.post')),
                ('resource', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='forum_citations', to='resources.resource')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('resource', 'post'), name='one_citation_per_post')],
            },
        ),
        migrations.RunPython(cite_from_written_posts, migrations.RunPython.noop),
    ]
