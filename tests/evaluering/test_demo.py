"""The demo builder adds one completed GLL evaluation for Stavanger, idempotently."""

from __future__ import annotations

from typing import Any

import pytest

from evaluering.models import Evaluation, EvaluationStatus
from samarbeid import demo
from samarbeid.models import EvaluationMethod

pytestmark = pytest.mark.django_db


def test_demo_has_one_completed_gll_evaluation_for_stavanger(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.build()
    demo.build()
    evaluation = Evaluation.objects.get(municipality__name="Stavanger")
    assert evaluation.status == EvaluationStatus.COMPLETED
    assert evaluation.method == EvaluationMethod.GLL
    assert all(evaluation.answers[code] for code in ("done", "learned", "smart"))
