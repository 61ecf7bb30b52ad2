"""An approval that expires while the contact still covers more than three municipalities:
the district administrators are told, exactly once (§5, footnote 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from politikontakt import services
from politikontakt.models import DirectorateApproval
from samarbeid import notify
from samarbeid.models import Municipality, Role

from .conftest import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(officer: Any, places: Any, sorvest: Any, national_admin: Any,
            district_admin: Any) -> Any:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    services.approval_decide(approval=approval, approve=True, actor=national_admin)
    fourth = assign(officer, places["Randaberg"])
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    return fourth


def test_district_admin_is_told_once(expired: Any, district_admin: Any, officer: Any) -> None:
    assert services.approval_expiry_scan() == 1
    assert services.approval_expiry_scan() == 0
    assert notify.run_all_scans()["politikontakt_approval_expiry"] == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [district_admin.email]
    assert officer.get_full_name() in message.subject
    assert "4 kommuner" in message.body and "/politikontakt/dekning/" in message.body


def test_no_reminder_once_back_within_three(expired: Any) -> None:
    services.assignment_end(assignment=expired)
    assert services.approval_expiry_scan() == 0
    assert mail.outbox == []


def test_smtp_failure_then_retry_sends_once(expired: Any, monkeypatch: Any) -> None:
    real = notify.send_mail_now

    def broken(**kwargs: Any) -> None:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notify, "send_mail_now", broken)
    with pytest.raises(ConnectionRefusedError):
        services.approval_expiry_scan()
    assert mail.outbox == []
    monkeypatch.setattr(notify, "send_mail_now", real)
    assert services.approval_expiry_scan() == 1
    assert services.approval_expiry_scan() == 0
    assert len(mail.outbox) == 1


def test_one_email_per_recipient_for_every_expired_approval(
        expired: Any, officer: Any, places: Any, sorvest: Any, national_admin: Any,
        district_admin: Any) -> None:
    """Issue #14: two approvals expire; the district administrator gets one e-mail naming
    both, not one per approval — and a second scan sends nothing."""
    from tests.factories import OperationalUnitFactory, user_with_role

    second = user_with_role(Role.POLICE_LEADERSHIP, username="second",
                            operational_unit=OperationalUnitFactory(police_district=sorvest))
    second.first_name, second.last_name = "Per", "Andre"
    second.save()
    others = list(Municipality.objects.filter(police_district=sorvest)
                  .exclude(name__in=places).order_by("name")[:4])
    for m in others[:3]:
        assign(second, m)
    approval = services.approval_request(contact=second, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    services.approval_decide(approval=approval, approve=True, actor=national_admin)
    assign(second, others[3])
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=2))
    assert services.approval_expiry_scan() == 1
    assert services.approval_expiry_scan() == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert officer.get_full_name() in body and "Per Andre" in body


def test_the_scan_reads_a_contacts_latest_approval_not_their_history(
        expired: Any, officer: Any, sorvest: Any, national_admin: Any,
        django_assert_max_num_queries: Any) -> None:
    """Approvals renewed year after year: the scan names the latest expired one and costs
    the same however many came before it (issue #12, scans that do not grow)."""
    latest = DirectorateApproval.objects.get(contact=officer)
    for years in range(1, 21):
        old = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                        max_municipalities=4)
        services.approval_decide(approval=old, approve=True, actor=national_admin)
        DirectorateApproval.objects.filter(pk=old.pk).update(
            expires_on=timezone.localdate() - dt.timedelta(days=365 * years))
    with django_assert_max_num_queries(10):  # the same with 1 or 21 approvals
        assert services.approval_expiry_scan() == 1
    assert len(mail.outbox) == 1
    assert f"politikontakt:approvals-expired:{latest.pk}" in set(
        notify.SentReminder.objects.values_list("key", flat=True))
