"""Issue #14: the "too few meetings" e-mail names the guide's minimum as the guide's (2,
§4.1.2) and the agreement's own number as the agreement's — not "at least 4 (§4.1.2)"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from politirad import reminders
from tests.avtaler.helpers import in_force_version

from . import helpers

pytestmark = pytest.mark.django_db


def test_the_agreements_number_is_not_called_the_guides(world: Any, settings: Any,
                                                         tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    in_force_version(world, meetings_per_year=4)
    helpers.make_council(world)
    mail.outbox.clear()
    year = timezone.localdate().year
    assert reminders.scan_few_meetings(dt.date(year, 9, 1)) == 2
    body = mail.outbox[0].body
    assert "Veilederen anbefaler minst 2 (§4.1.2)" in body
    assert "avtalen deres sier 4 i året" in body
    assert "minst 4 (§4.1.2)" not in body
