"""In-process measurements for bench/run.py (run with DATABASE_URL pointing at a bench DB):

  python -m bench.inproc generate SCALE   build the dataset (once)
  python -m bench.inproc pages            key pages: URL, session cookie and query count
  python -m bench.inproc scan             the reminder scan: seconds and queries, twice
  python -m bench.inproc pdfs             PDF render times (warm)

Each prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarbeid.settings")
os.environ.setdefault("EMAIL_URL", "dummymail://")  # the scan must not print 10 000 mails

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def _key_pages() -> list[tuple[str, str, str]]:
    """(label, username, path) for the pages the issue names."""
    from politirad.models import PoliceCouncil

    stavanger_council = PoliceCouncil.objects.filter(
        municipality__name="Stavanger", kind="local").order_by("pk").first()
    mayor = "bench.mayor.1103"
    contact = get_user_model().objects.filter(
        memberships__role="police_contact", memberships__municipality__number="1103"
    ).values_list("username", flat=True).first()
    district = "bench.district.p05"
    return [
        ("home (mayor)", mayor, "/"),
        ("home (police contact)", contact or mayor, "/"),
        ("home (district admin)", district, "/"),
        ("home (national admin)", "bench.national", "/"),
        ("municipality page", mayor, "/kommuner/1103/"),
        ("council page", mayor, f"/politirad/rad/{stavanger_council.pk}/" if stavanger_council else "/"),
        ("my tasks", mayor, "/politirad/mine-oppgaver/"),
        ("national report", "bench.national", "/evaluering/rapporter/"),
    ]


def pages() -> dict[str, Any]:
    from django.contrib.sessions.backends.db import SessionStore

    out = []
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench.")}
    for label, username, path in _key_pages():
        client = Client()
        client.force_login(users[username])
        client.get(path)  # warm caches (compiled templates, content types)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        store = SessionStore()
        store["_auth_user_id"] = str(users[username].pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = users[username].get_session_auth_hash()
        store.create()
        out.append({"label": label, "path": path, "status": status, "queries": len(ctx),
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"})
    return {"pages": out}


def scan() -> dict[str, Any]:
    from samarbeid import notify

    runs = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            results = notify.run_all_scans()
            seconds = time.perf_counter() - start
        runs.append({"seconds": round(seconds, 3), "queries": len(ctx),
                     "sent": sum(v for v in results.values() if v > 0), "results": results})
    return {"runs": runs}


def pdfs() -> dict[str, Any]:
    from bench import pdfbench

    return pdfbench.measure()


def main() -> None:
    command = sys.argv[1]
    if command == "generate":
        from bench import dataset

        start = time.perf_counter()
        result: dict[str, Any] = dataset.generate(float(sys.argv[2]))
        result["seconds"] = round(time.perf_counter() - start, 1)
    else:
        result = {"pages": pages, "scan": scan, "pdfs": pdfs}[command]()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
