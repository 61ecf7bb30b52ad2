"""Audit trail of police-contact assignments, directorate approvals and the directory of
preventive functions (issue 7 §3), and the history on their pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from politikontakt import services
from politikontakt.models import Assignment, DirectorateApproval, PreventiveFunction
from samarbeid.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _events(obj: Any) -> list[tuple[str, Any]]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk))
                .order_by("at", "pk").values_list("action", "actor"))


def test_assignment_create_change_end_through_the_pages(client: Any, officer: Any, places: Any,
                                                        district_admin: Any) -> None:
    client.force_login(district_admin)
    mandate = "Kan love ekstra patruljer; ring Kari på 99999999"
    response = client.post(
        reverse("politikontakt:assignment_create", args=[places["Sola"].number]),
        {"contact": officer.pk, "share_of_position": 20, "mandate": mandate,
         "starts_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assignment = Assignment.objects.get(municipality=places["Sola"])
    response = client.post(reverse("politikontakt:assignment_change", args=[assignment.pk]),
                           {"share_of_position": 30, "mandate": mandate + "."})
    assert response.status_code == 302
    response = client.post(reverse("politikontakt:assignment_end", args=[assignment.pk]),
                           {"ends_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert _events(assignment) == [(AuditAction.CREATE, district_admin.pk),
                                   (AuditAction.CHANGE, district_admin.pk),
                                   (AuditAction.END, district_admin.pk)]
    # The mandate is free text with personal details: never copied into the log.
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "99999999" not in summaries and "Kari" not in summaries


def test_approval_request_and_decisions_through_the_pages(
        client: Any, officer: Any, places: Any, district_admin: Any,
        national_admin: Any) -> None:
    client.force_login(district_admin)
    reason = "Randaberg er liten; kontaktens kone jobber i kommunen"
    response = client.post(reverse("politikontakt:approval_request"), {
        "contact": officer.pk, "municipality": places["Randaberg"].pk, "max_municipalities": 4,
        "reason": reason})
    assert response.status_code == 302
    approval = DirectorateApproval.objects.get()
    client.force_login(national_admin)
    response = client.post(reverse("politikontakt:approval_decide", args=[approval.pk]),
                           {"decision": "reject", "note": "Mangler begrunnelse om bemanning"})
    assert response.status_code == 302
    assert _events(approval) == [(AuditAction.REQUEST, district_admin.pk),
                                 (AuditAction.REJECT, national_admin.pk)]
    second = services.approval_request(contact=officer, police_district=approval.police_district,
                                       reason="Ny søknad", max_municipalities=4,
                                       actor=district_admin)
    response = client.post(reverse("politikontakt:approval_decide", args=[second.pk]),
                           {"decision": "approve", "expires_on": "2099-12-31"})
    assert response.status_code == 302
    assert _events(second)[-1] == (AuditAction.APPROVE, national_admin.pk)
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "kone" not in summaries and "bemanning" not in summaries


def test_directory_create_change_delete_through_the_pages_and_the_admin(
        client: Any, world: Any, sorvest: Any) -> None:
    client.force_login(world.chief)
    data = {"kind": "online_patrol", "holder_name": "Nettpatruljen", "email": "nett@politiet.no"}
    assert client.post(reverse("politikontakt:function_create", args=[sorvest.code]),
                       data).status_code == 302
    function = PreventiveFunction.objects.get()
    assert client.post(reverse("politikontakt:function_edit", args=[sorvest.code, function.pk]),
                       {**data, "phone": "22 22 22 22"}).status_code == 302
    assert client.post(reverse("politikontakt:function_delete",
                               args=[sorvest.code, function.pk])).status_code == 302
    assert _events(function) == [(AuditAction.CREATE, world.chief.pk),
                                 (AuditAction.CHANGE, world.chief.pk),
                                 (AuditAction.DELETE, world.chief.pk)]
    # The holder's name is typed text about a person: codes only in the trail.
    summaries = " ".join(AuditEvent.objects.filter(
        object_type="politikontakt.preventivefunction").values_list("summary", flat=True))
    assert "Nettpatruljen" not in summaries and "online_patrol" in summaries

    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    response = client.post(reverse("admin:politikontakt_preventivefunction_add"), {
        "police_district": sorvest.pk, **data, "phone": "", "other_name": "", "note": ""})
    assert response.status_code == 302
    added = PreventiveFunction.objects.get()
    response = client.post(reverse("admin:politikontakt_preventivefunction_delete",
                                   args=[added.pk]), {"post": "yes"})
    assert response.status_code == 302 and not PreventiveFunction.objects.exists()
    assert _events(added) == [(AuditAction.CREATE, superuser.pk),
                              (AuditAction.DELETE, superuser.pk)]


def test_assignment_history_for_members_and_404_for_outsiders(client: Any, world: Any,
                                                              district_admin: Any,
                                                              reader: Any) -> None:
    membership = world.police.memberships.get(role="police_contact")
    assignment = services.assignment_adopt(membership=membership, share_of_position=60,
                                           actor=district_admin)
    services.assignment_change(assignment=assignment, share_of_position=50, mandate="Møter",
                               actor=district_admin)
    url = reverse("politikontakt:assignment_detail", args=[assignment.pk])
    client.force_login(reader)
    body = client.get(url).content.decode()
    history = body.split('id="history-heading"')[1]
    assert 'class="mt-4 history"' in history  # the shared history component
    assert district_admin.get_full_name() in history
    assert "Opprettet" in history and "Endret" in history
    # Neither an outsider nor a council member with no role sees the assignment.
    for user in (world.outsider, world.member):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_approval_history_for_the_district_and_404_outside(client: Any, world: Any,
                                                           officer: Any, sorvest: Any,
                                                           district_admin: Any) -> None:
    approval = services.approval_request(contact=officer, police_district=sorvest,
                                         reason="Behov", max_municipalities=4,
                                         actor=district_admin)
    url = reverse("politikontakt:approval_decide", args=[approval.pk])
    client.force_login(world.chief)  # administrator of Sør-Vest
    body = client.get(url).content.decode()
    assert 'class="mt-4 history"' in body and district_admin.get_full_name() in body
    for user in (world.outsider, world.member):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_function_history_on_its_edit_page(client: Any, world: Any, sorvest: Any) -> None:
    function = services.preventive_function_save(function=PreventiveFunction(
        police_district=sorvest, kind="online_patrol", holder_name="Nett", phone="1"),
        actor=world.chief)
    client.force_login(world.chief)
    body = client.get(reverse("politikontakt:function_edit",
                              args=[sorvest.code, function.pk])).content.decode()
    assert 'class="mt-4 history"' in body and "Opprettet" in body
    client.force_login(world.outsider)
    assert client.get(reverse("politikontakt:function_edit",
                              args=[sorvest.code, function.pk])).status_code == 404
