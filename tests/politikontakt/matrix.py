"""Permission matrix rows for politikontakt: outsiders get 404 on Stavanger's and Sør-Vest's
objects (so does the member: a council seat gives nothing of the municipality); those who
see the district but do not administer it get 403 on changes; administrator pages give 403
to everyone else."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from politikontakt import services
from politikontakt.models import PreventiveFunction
from samarbeid.models import Membership, Role
from tests.matrix import LOGIN, Case, everyone, scoped

ADMIN_ONLY = {"anonymous": LOGIN, "outsider": 403, "member": 403, "leader": 403, "admin": 200}
HIDDEN = {"anonymous": LOGIN, "outsider": 404, "member": 404, "leader": 404, "admin": 200}
DISTRICT_CHANGE = {"anonymous": LOGIN, "outsider": 404, "member": 404, "leader": 403, "admin": 200}


def _assignment(w: Any) -> int:
    membership = Membership.objects.get(user=w.police, role=Role.POLICE_CONTACT)
    return services.assignment_adopt(membership=membership, share_of_position=50,
                                     mandate="Kan avtale møter.").pk


def _approval(w: Any) -> int:
    return services.approval_request(contact=w.police,
                                     police_district=w.stavanger.police_district,
                                     reason="Små kommuner", max_municipalities=4).pk


def _function(w: Any) -> int:
    return services.preventive_function_save(function=PreventiveFunction(
        police_district=w.stavanger.police_district, kind="radicalisation_contact",
        holder_name="Sara Haugen", phone="12345678")).pk


def _code(w: Any) -> str:
    return str(w.stavanger.police_district.code)


MATRIX = {
    "politikontakt:assignment_list": Case(lambda w: reverse("politikontakt:assignment_list"),
                                          everyone()),
    "politikontakt:assignment_detail": Case(
        lambda w: reverse("politikontakt:assignment_detail", args=[_assignment(w)]), scoped()),
    "politikontakt:assignment_change": Case(
        lambda w: reverse("politikontakt:assignment_change", args=[_assignment(w)]),
        DISTRICT_CHANGE),
    "politikontakt:assignment_end": Case(
        lambda w: reverse("politikontakt:assignment_end", args=[_assignment(w)]),
        DISTRICT_CHANGE),
    "politikontakt:assignment_create": Case(
        lambda w: reverse("politikontakt:assignment_create", args=[w.stavanger.number]),
        DISTRICT_CHANGE),
    # Open to police contacts and unit leaders too (issue #14; test_method_matrix has them);
    # the mayor, the member and the outsider hold neither role: 403.
    "politikontakt:coverage": Case(lambda w: reverse("politikontakt:coverage"), ADMIN_ONLY),
    "politikontakt:approval_list": Case(lambda w: reverse("politikontakt:approval_list"),
                                        ADMIN_ONLY),
    "politikontakt:approval_request": Case(lambda w: reverse("politikontakt:approval_request"),
                                           ADMIN_ONLY),
    "politikontakt:approval_decide": Case(
        lambda w: reverse("politikontakt:approval_decide", args=[_approval(w)]), HIDDEN),
    "politikontakt:directory_index": Case(lambda w: reverse("politikontakt:directory_index"),
                                          everyone()),
    "politikontakt:directory": Case(
        lambda w: reverse("politikontakt:directory", args=[_code(w)]), scoped()),
    "politikontakt:function_create": Case(
        lambda w: reverse("politikontakt:function_create", args=[_code(w)]), DISTRICT_CHANGE),
    "politikontakt:function_edit": Case(
        lambda w: reverse("politikontakt:function_edit", args=[_code(w), _function(w)]),
        DISTRICT_CHANGE),
    "politikontakt:function_delete": Case(
        lambda w: reverse("politikontakt:function_delete", args=[_code(w), _function(w)]),
        {**DISTRICT_CHANGE, "admin": 302}, method="post"),
}
