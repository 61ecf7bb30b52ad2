"""The benchmark generator at its small size (bench/dataset.py, issue #14): the police
contact the page benchmark logs in as covers three municipalities (the rule of three, §5),
not a hundred and more, and a second run adds nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from bench import dataset
from politikontakt.models import Assignment
from samarbeid.models import Membership

pytestmark = pytest.mark.django_db


def test_the_one_percent_dataset_keeps_the_rule_of_three() -> None:
    made = dataset.generate(0.01)
    assert made["municipalities_with_history"] == 4
    contact = get_user_model().objects.get(memberships__role="police_contact",
                                           memberships__municipality__number="1103")
    assert Membership.objects.filter(user=contact, role="police_contact").count() == 3
    per_contact = Counter(Assignment.objects.values_list("contact", flat=True))
    assert max(per_contact.values()) <= 3
    assert dataset.generate(0.01) == {"already": 1}
