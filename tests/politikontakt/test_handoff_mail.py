"""Issue #14: an approval request reaches Politidirektoratet and the decision reaches the one
who asked, once each (the ledger), with links on the configured site URL."""

from __future__ import annotations

from typing import Any

from django.core import mail

from politikontakt import services


def test_request_and_decision_are_mailed_once(officer: Any, sorvest: Any, district_admin: Any,
                                              national_admin: Any, settings: Any,
                                              django_capture_on_commit_callbacks: Any) -> None:
    settings.SITE_URL = "http://portal.example:8001"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.approval_request(contact=officer, police_district=sorvest,
                                             reason="Liten kommune", max_municipalities=4,
                                             actor=district_admin)
    to_directorate = [m for m in mail.outbox if national_admin.email in m.to]
    assert len(to_directorate) == 1
    body = to_directorate[0].body
    assert "inntil 4 kommuner" in body and "Liten kommune" in body
    assert "http://portal.example:8001/" in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_decide(approval=approval, approve=False, note="Del opp",
                                 actor=national_admin)
    assert [m.to for m in mail.outbox] == [[district_admin.email]]
    assert "avslått" in mail.outbox[0].body and "Del opp" in mail.outbox[0].body
    # A retry of the task sends nothing more.
    from politikontakt import tasks

    assert tasks.notify_approval_decided(approval.pk) == 0
    assert tasks.notify_approval_requested(approval.pk) == 0


def test_the_request_goes_to_politidirektoratet_not_to_ks(
        officer: Any, sorvest: Any, district_admin: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """Issue #14: "to the directorate" — the national administrators of Politidirektoratet;
    KS's national administrator decides nothing on police contacts (§5, footnote 15)."""
    from samarbeid.models import Role
    from tests.factories import user_with_role

    pod = user_with_role(Role.NATIONAL_ADMIN, username="pod2", title="Politidirektoratet")
    ks = user_with_role(Role.NATIONAL_ADMIN, username="ks", title="KS")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                  max_municipalities=4, actor=district_admin)
    to = {address for m in mail.outbox for address in m.to}
    assert pod.email in to and ks.email not in to
