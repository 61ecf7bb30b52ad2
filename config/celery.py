"""Celery application.

With REDIS_URL set, a real worker (`make worker`) and beat (`make beat`) run the tasks.
Without it tasks run in process (CELERY_TASK_ALWAYS_EAGER) and `manage.py run_scheduler`
plays the part of beat, so reminders also work on the embedded default.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("samarbeid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
