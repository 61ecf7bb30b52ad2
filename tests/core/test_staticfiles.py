"""Static URLs are worked out once per process (samarbeid/staticfiles.py, issue #12), and
still follow the settings they come from."""

from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage
from django.templatetags.static import static
from django.test import override_settings


def test_static_url_is_the_storage_answer_and_follows_static_url() -> None:
    assert static("css/site.css") == StaticFilesStorage().url("css/site.css")
    assert static("css/site.css") == static("css/site.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert static("css/site.css") == "/elsewhere/css/site.css"
    assert static("css/site.css") == StaticFilesStorage().url("css/site.css")


def test_names_are_kept_apart() -> None:
    assert static("css/site.css") != static("js/site.js")
    assert static("js/site.js").endswith("js/site.js")
