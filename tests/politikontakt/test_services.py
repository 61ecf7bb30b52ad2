"""The rules of Veileder §5 in the service: access follows the assignment, the rule of three,
the directorate approval, shares of the position, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from politikontakt import services
from politikontakt.models import ApprovalStatus, Assignment, DirectorateApproval
from samarbeid import access
from samarbeid.models import Membership, Role

from .conftest import assign

pytestmark = pytest.mark.django_db


def test_assignment_gives_the_police_contact_role_and_access(officer: Any, places: Any,
                                                             district_admin: Any) -> None:
    sola = places["Sola"]
    assert not access.can(officer, access.Level.WORK, sola)
    a = assign(officer, sola, mandate="Kan avtale møter", actor=district_admin)
    assert a.membership.role == Role.POLICE_CONTACT
    assert a.membership.municipality == sola
    assert a.operational_unit == sola.operational_unit
    assert access.can(officer, access.Level.WORK, sola)


def test_ending_removes_access_but_keeps_history(officer: Any, places: Any) -> None:
    sola = places["Sola"]
    a = assign(officer, sola)
    services.assignment_end(assignment=a, ends_on=timezone.localdate())
    assert not access.can(officer, access.Level.WORK, sola)
    a.refresh_from_db()
    assert a.is_ended
    assert Assignment.objects.filter(pk=a.pk).exists()
    assert Membership.objects.get(pk=a.membership_id).ends_on == timezone.localdate()
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        services.assignment_end(assignment=a)


def test_fourth_municipality_is_refused_with_the_rule_and_where_to_request(
        officer: Any, places: Any) -> None:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    with pytest.raises(services.RuleOfThreeError) as exc:
        assign(officer, places["Randaberg"])
    message = exc.value.messages[0]
    assert "tre kommuner" in message and "Politidirektoratet" in message
    assert "Sandnes, Sola, Stavanger" in message
    assert f"contact={officer.pk}" in exc.value.request_url
    assert "municipality=1127" in exc.value.request_url
    assert not Assignment.objects.filter(municipality=places["Randaberg"]).exists()
    assert not Membership.objects.filter(user=officer, municipality=places["Randaberg"]).exists()


def test_approved_request_lets_the_fourth_through_and_is_recorded(
        officer: Any, places: Any, district_admin: Any, national_admin: Any, sorvest: Any) -> None:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    approval = services.approval_request(contact=officer, police_district=sorvest,
                                         reason="Små nabokommuner", max_municipalities=4,
                                         municipality=places["Randaberg"], actor=district_admin)
    with pytest.raises(services.RuleOfThreeError, match="venter på Politidirektoratets"):
        assign(officer, places["Randaberg"])
    services.approval_decide(approval=approval, approve=True, actor=national_admin)
    fourth = assign(officer, places["Randaberg"])
    assert fourth.approval == approval
    # The approval covers four, not five.
    with pytest.raises(services.RuleOfThreeError):
        assign(officer, places["Strand"])


def test_expired_or_rejected_approval_does_not_count(officer: Any, places: Any, sorvest: Any,
                                                     national_admin: Any) -> None:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    approval = services.approval_request(contact=officer, police_district=sorvest,
                                         reason="r", max_municipalities=4)
    services.approval_decide(approval=approval, approve=True,
                             expires_on=timezone.localdate(), actor=national_admin)
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(services.RuleOfThreeError, match="utløp"):
        assign(officer, places["Randaberg"])
    rejected = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    with pytest.raises(ValidationError, match="avvist"):
        services.approval_decide(approval=rejected, approve=False, actor=national_admin)
    services.approval_decide(approval=rejected, approve=False, note="Del opp", actor=national_admin)
    assert DirectorateApproval.objects.get(pk=rejected.pk).status == ApprovalStatus.REJECTED
    with pytest.raises(services.RuleOfThreeError):
        assign(officer, places["Randaberg"])
    with pytest.raises(ValidationError, match="allerede avgjort"):
        services.approval_decide(approval=rejected, approve=True, actor=national_admin)


def test_ended_assignment_frees_a_place(officer: Any, places: Any) -> None:
    made = [assign(officer, places[n]) for n in ["Stavanger", "Sandnes", "Sola"]]
    services.assignment_end(assignment=made[0])
    assert assign(officer, places["Randaberg"]).pk


def test_planned_assignments_count_towards_the_rule(officer: Any, places: Any) -> None:
    later = timezone.localdate() + dt.timedelta(days=30)
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name], starts_on=later)
    with pytest.raises(services.RuleOfThreeError):
        assign(officer, places["Randaberg"], starts_on=later)


def test_police_contact_membership_made_elsewhere_counts(officer: Any, places: Any) -> None:
    from samarbeid import services as core

    for name in ["Stavanger", "Sandnes", "Sola"]:
        core.membership_create(user=officer, role=Role.POLICE_CONTACT, municipality=places[name])
    with pytest.raises(services.RuleOfThreeError):
        assign(officer, places["Randaberg"])


def test_shares_cannot_pass_full_time(officer: Any, places: Any) -> None:
    assign(officer, places["Stavanger"], share=60)
    with pytest.raises(ValidationError) as exc:
        assign(officer, places["Sandnes"], share=50)
    assert "over 100 %" in exc.value.message_dict["share_of_position"][0]
    a = assign(officer, places["Sandnes"], share=40)
    with pytest.raises(ValidationError):
        services.assignment_change(assignment=a, share_of_position=41, mandate="")
    services.assignment_change(assignment=a, share_of_position=40, mandate="Skrevet ned")
    assert Assignment.objects.get(pk=a.pk).mandate == "Skrevet ned"


def test_same_municipality_twice_is_refused(officer: Any, places: Any) -> None:
    assign(officer, places["Sola"])
    with pytest.raises(ValidationError, match="allerede politikontakt for Sola"):
        assign(officer, places["Sola"])


def test_rows_made_outside_the_service_are_refused(officer: Any, places: Any) -> None:
    with pytest.raises(ValidationError, match="assignment_create"):
        Assignment.objects.create(contact=officer, municipality=places["Sola"],
                                  share_of_position=10)


def test_adopting_a_membership_is_idempotent(world: Any) -> None:
    membership = Membership.objects.get(user=world.police, role=Role.POLICE_CONTACT)
    first = services.assignment_adopt(membership=membership, share_of_position=30)
    again = services.assignment_adopt(membership=membership, share_of_position=30)
    assert first.pk == again.pk
    assert Assignment.objects.filter(contact=world.police).count() == 1


def test_only_one_pending_request_per_contact(officer: Any, sorvest: Any) -> None:
    services.approval_request(contact=officer, police_district=sorvest, reason="r",
                              max_municipalities=4)
    with pytest.raises(ValidationError, match="venter allerede"):
        services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                  max_municipalities=4)
