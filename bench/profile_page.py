"""Profile one page in process: python -m bench.profile_page USERNAME PATH (bench database)."""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    username, path = sys.argv[1], sys.argv[2]
    from samarbeid.mfa import METHOD_KEY

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.session
    session[METHOD_KEY] = "sso"  # as the bench's sessions: single sign-on, no TOTP prompt
    session.save()
    assert client.get(path).status_code == 200, "the page must answer 200, not a redirect"
    for _ in range(3):
        client.get(path)
    start = time.perf_counter()
    for _ in range(10):
        client.get(path)
    print(f"{path}: {(time.perf_counter() - start) * 100:.1f} ms per request (10 warm)")
    profile = cProfile.Profile()
    profile.enable()
    client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime")).print_stats(int(os.environ.get("TOP", "18")))


if __name__ == "__main__":
    main()
