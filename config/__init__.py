"""The project package: settings, root URLs, WSGI and the Celery app. It is the one place that
names every app; the core (`samarbeid/`) knows no feature app (issue #15)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
