"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What a worker holds for its whole life (settings, apps, models, the URLconf) is never
# garbage: out of the collector's generations, the full collections a request can trigger
# no longer walk it (issue #12, CPU per request; samarbeid/pdf.py does the same per render).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - load the URLconf before the freeze
gc.freeze()
