"""The Celery application: one for the web processes, the worker and beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comcep.settings")

app = Celery("comcep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
