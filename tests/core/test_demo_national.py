"""Issue #14: `make run` (seed_demo) shows a national picture, not Sør-Vest alone, and keeps
the Sør-Vest story and its users as they were."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from avtaler.models import Agreement
from politikontakt.models import Assignment
from politirad.models import CouncilMunicipality, Meeting
from samarbeid import compliance, demo, demo_national
from samarbeid.models import Membership, Municipality, PoliceDistrict
from slt.models import SltModel

pytestmark = pytest.mark.django_db


def _sor_vest() -> dict[str, Any]:
    """What the Sør-Vest story holds: agreements, councils, memberships, assignments."""
    district = PoliceDistrict.objects.get(name=demo.DISTRICT)
    return {
        "agreements": sorted(Agreement.objects.filter(police_district=district)
                             .values_list("municipality__name", "status")),
        "councils": sorted(CouncilMunicipality.objects.filter(
            municipality__police_district=district).values_list("council__name", flat=True)),
        "memberships": sorted(Membership.objects.filter(
            user__username__in=[u.username for u in demo.USERS])
            .values_list("user__username", "role", "municipality__name", "can_sign")),
        "assignments": sorted(Assignment.objects.filter(municipality__police_district=district)
                              .values_list("contact__username", "municipality__name")),
        "bergen": list(Agreement.objects.filter(municipality__name="Bergen").values_list("pk")),
    }


def _counts() -> dict[str, int]:
    return {"users": get_user_model().objects.count(), "agreements": Agreement.objects.count(),
            "meetings": Meeting.objects.count(), "memberships": Membership.objects.count(),
            "slt": SltModel.objects.count(), "assignments": Assignment.objects.count()}


def test_every_district_has_signed_agreements_and_councils_and_the_report_is_not_red() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    in_force = set(Agreement.objects.filter(status="in_force")
                   .values_list("municipality__police_district__name", flat=True))
    with_council = set(CouncilMunicipality.objects.values_list(
        "municipality__police_district__name", flat=True))
    districts = set(PoliceDistrict.objects.values_list("name", flat=True))
    assert len(districts) == 12
    assert in_force == districts and with_council == districts
    assert set(Meeting.objects.values_list(
        "council__municipality__police_district__name", flat=True)) == districts
    assert SltModel.objects.exclude(municipality__police_district__name=demo.DISTRICT).exists()

    findings = compliance.evaluate(Municipality.objects.all())
    agreement = Counter(f["agreement_in_force"].status for f in findings.values())
    # Most of the country is green, and the picture varies: drafts, none, declined.
    assert agreement[compliance.Status.OK] > len(findings) / 2
    assert agreement[compliance.Status.WARN] and agreement[compliance.Status.FAIL]
    assert agreement[compliance.Status.DECLINED]
    contact = Counter(f["police_contact_assigned"].status for f in findings.values())
    assert contact[compliance.Status.OK] > len(findings) / 2
    meetings = Counter(f["politirad_meetings"].status for f in findings.values())
    assert meetings[compliance.Status.OK] and meetings[compliance.Status.WARN]
    evaluation = Counter(f["evaluation_done"].status for f in findings.values())
    assert evaluation[compliance.Status.OK] > 50


def test_police_contacts_keep_the_rule_of_three() -> None:
    demo.build()
    demo_national.build()
    per_contact = Counter(Assignment.objects.filter(
        contact__username__startswith=demo_national.PREFIX).values_list("contact", flat=True))
    assert per_contact and max(per_contact.values()) <= 3


def test_the_sor_vest_story_is_unchanged_and_a_second_run_changes_nothing(
        django_assert_num_queries: Any) -> None:
    call_command("seed_demo", "--sor-vest-only", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = _sor_vest()
    assert not get_user_model().objects.filter(
        username__startswith=demo_national.PREFIX).exists()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _sor_vest() == before
    counts = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == counts
    with django_assert_num_queries(1):  # the national part only looks for its users
        assert demo_national.build() == {}
