"""Profile one page in process: python -m bench.profile_page USERNAME PATH (bench database).

WRITE=shown profiles the first request after a write the page shows (a task of Stavanger
moves between open and in progress, as bench/inproc.py's cold measurement), WRITE=unshown
after a comment the page does not show; without WRITE, a warm request."""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")  # the refresh a worker does

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    username, path = sys.argv[1], sys.argv[2]
    from bench import inproc
    from samarbeid.mfa import METHOD_KEY

    write = {"shown": lambda: inproc._write_shown(own=True),
             "unshown": lambda: inproc._write(own=True)}.get(os.environ.get("WRITE", ""),
                                                             lambda: None)
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.session
    session[METHOD_KEY] = "sso"  # as the bench's sessions: single sign-on, no TOTP prompt
    session.save()
    assert client.get(path).status_code == 200, "the page must answer 200, not a redirect"
    times = []
    for _ in range(8):
        write()
        start = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - start)
    print(f"{path}: {statistics.median(times) * 1000:.1f} ms per request (median of 8)")
    write()
    counter = inproc._Counter()
    profile = cProfile.Profile()
    with connection.execute_wrapper(counter):
        profile.enable()
        client.get(path)
        profile.disable()
    print(f"{counter.queries} queries, {counter.seconds * 1000:.1f} ms SQL")
    pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime")).print_stats(
        int(os.environ.get("TOP", "18")))


if __name__ == "__main__":
    main()
