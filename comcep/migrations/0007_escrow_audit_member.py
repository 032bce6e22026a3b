"""Audit rows name the member for community acts; pseudonyms are lifted through
IdentityDisclosure only.

No backfill: rows written before this migration keep the account they named. The audit
log is append-only (trigger of 0003_audit_append_only), and rewriting it, even to take an
identity out, would make it worthless as a record of what happened; those rows are kept
out of every page that shows pseudonyms (the admin lists identity acts only).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comcep', '0007_idem_submission_tokens'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdentityDisclosure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ground', models.CharField(choices=[('judicial', 'réquisition judiciaire'), ('threat', 'menace grave envers une personne'), ('other', 'autre motif (à préciser)')], max_length=10, verbose_name='fondement juridique')),
                ('ground_text', models.TextField(blank=True, max_length=2000, verbose_name='précisions sur le fondement')),
                ('content_url', models.CharField(blank=True, max_length=500, verbose_name='adresse du contenu concerné')),
                ('content_text', models.TextField(blank=True, max_length=5000, verbose_name='contenu concerné')),
                ('notify_member_after', models.DateField(blank=True, help_text="Laisser vide pour prévenir le membre dès l'approbation. Une date seulement si la loi interdit de le prévenir maintenant.", null=True, verbose_name='prévenir le membre à partir du')),
                ('state', models.CharField(choices=[('requested', 'demandée'), ('approved', 'approuvée'), ('refused', 'refusée'), ('revealed', 'identité consultée')], default='requested', max_length=10)),
                ('decision_note', models.TextField(blank=True, max_length=2000, verbose_name='commentaire de la décision')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('revealed_at', models.DateTimeField(blank=True, null=True)),
                ('member_notified_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'levée de pseudonyme',
                'verbose_name_plural': 'levées de pseudonyme',
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='actor_member',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='comcep.member'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(condition=models.Q(('actor', None), ('actor_member', None), _connector='OR'), name='audit_account_or_member_not_both'),
        ),
        migrations.AddField(
            model_name='identitydisclosure',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='identitydisclosure',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='comcep.member'),
        ),
        migrations.AddField(
            model_name='identitydisclosure',
            name='requested_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='identitydisclosure',
            index=models.Index(condition=models.Q(('member_notified_at', None)), fields=['notify_member_after'], name='disclosure_to_notify_idx'),
        ),
        migrations.AddConstraint(
            model_name='identitydisclosure',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by', models.F('requested_by')), _negated=True), name='disclosure_four_eyes'),
        ),
        migrations.AddConstraint(
            model_name='identitydisclosure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ground', 'other'), _negated=True), models.Q(('ground_text', ''), _negated=True), _connector='OR'), name='disclosure_other_ground_explained'),
        ),
    ]
