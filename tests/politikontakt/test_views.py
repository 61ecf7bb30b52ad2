"""The pages: assigning with the rule explained, approvals, coverage, directory, the panel on
the municipality page; query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from politikontakt import services
from politikontakt.models import ApprovalStatus, Assignment, DirectorateApproval, PreventiveFunction
from samarbeid.models import Municipality, Role
from tests.factories import UserFactory

from .conftest import assign

pytestmark = pytest.mark.django_db


def _post_assign(client: Any, municipality: Any, contact: Any, **extra: Any) -> Any:
    data = {"contact": contact.pk, "share_of_position": 20,
            "starts_on": timezone.localdate().isoformat(), "mandate": "Kan avtale møter", **extra}
    return client.post(reverse("politikontakt:assignment_create", args=[municipality.number]),
                       data)


def test_district_admin_assigns_and_is_refused_on_the_fourth_with_a_link(
        client: Any, officer: Any, places: Any, district_admin: Any) -> None:
    client.force_login(district_admin)
    for name in ["Stavanger", "Sandnes", "Sola"]:
        response = _post_assign(client, places[name], officer)
        assert response.status_code == 302
    response = _post_assign(client, places["Randaberg"], officer, mandate="Mitt mandat")
    assert response.status_code == 200
    body = response.content.decode()
    assert "høyst tre kommuner" in body and "Politidirektoratet" in body
    url = reverse("politikontakt:approval_request")
    assert f'href="{url}?contact={officer.pk}&amp;municipality=1127"' in body
    assert "Mitt mandat" in body  # the user's input is kept
    assert not Assignment.objects.filter(municipality=places["Randaberg"]).exists()


def test_request_then_approve_then_assign(client: Any, officer: Any, places: Any,
                                          district_admin: Any, national_admin: Any) -> None:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    client.force_login(district_admin)
    form_url = reverse("politikontakt:approval_request") + f"?contact={officer.pk}&municipality=1127"
    page = client.get(form_url).content.decode()
    assert f'<option value="{officer.pk}" selected>' in page
    response = client.post(reverse("politikontakt:approval_request"), {
        "contact": officer.pk, "municipality": places["Randaberg"].pk, "max_municipalities": 4,
        "reason": "Randaberg er liten og nabo til Stavanger"})
    assert response.status_code == 302
    approval = DirectorateApproval.objects.get(contact=officer)
    assert approval.requested_by == district_admin and approval.status == ApprovalStatus.PENDING
    # The district administrator may read the request but not decide it.
    decide_url = reverse("politikontakt:approval_decide", args=[approval.pk])
    assert client.get(decide_url).status_code == 200
    assert client.post(decide_url, {"decision": "approve"}).status_code == 403
    client.force_login(national_admin)
    assert "Randaberg er liten" in client.get(decide_url).content.decode()
    response = client.post(decide_url, {"decision": "approve", "expires_on": "2099-12-31"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_by == national_admin
    client.force_login(district_admin)
    assert _post_assign(client, places["Randaberg"], officer).status_code == 302


def test_reject_needs_a_reason_shown_next_to_the_field(client: Any, officer: Any, sorvest: Any,
                                                       national_admin: Any) -> None:
    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    client.force_login(national_admin)
    response = client.post(reverse("politikontakt:approval_decide", args=[approval.pk]),
                           {"decision": "reject"})
    assert response.status_code == 200
    assert "Skriv hvorfor søknaden blir avvist" in response.content.decode()


def test_assign_form_offers_only_police_users_of_the_district(client: Any, officer: Any,
                                                              places: Any, district_admin: Any,
                                                              world: Any) -> None:
    client.force_login(district_admin)
    page = client.get(reverse("politikontakt:assignment_create", args=["1103"])).content.decode()
    assert f'value="{officer.pk}"' in page
    assert f'value="{world.police.pk}"' in page  # a police contact in Stavanger
    assert f'value="{world.leader.pk}"' not in page  # the mayor is not police
    response = _post_assign(client, places["Sola"], world.leader)
    assert response.status_code == 200 and not Assignment.objects.exists()
    assign(officer, places["Sola"])
    url = reverse("politikontakt:assignment_create", args=[places["Sola"].number])
    page = client.get(url).content.decode()
    assert "Politikontakt nå: <a" in page and officer.get_full_name() in page


def test_end_assignment_keeps_history(client: Any, officer: Any, places: Any,
                                      district_admin: Any) -> None:
    a = assign(officer, places["Sola"])
    client.force_login(district_admin)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    a.starts_on = yesterday - dt.timedelta(days=30)
    a.save(update_fields=["starts_on"])
    response = client.post(reverse("politikontakt:assignment_end", args=[a.pk]),
                           {"ends_on": yesterday.isoformat()})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.is_ended and a.last_day == yesterday
    listed = client.get(reverse("politikontakt:assignment_list") + "?status=ended").content.decode()
    assert "Sola" in listed


def test_coverage_lists_uncovered_municipalities_and_loads(client: Any, officer: Any,
                                                           places: Any, district_admin: Any) -> None:
    for name in ["Stavanger", "Sandnes"]:
        assign(officer, places[name], share=40)
    client.force_login(district_admin)
    body = client.get(reverse("politikontakt:coverage")).content.decode()
    uncovered = body.split('id="uncovered-heading"')[1].split("</section>")[0]
    assert "Sola" in uncovered and ">Stavanger<" not in uncovered
    load = body.split('id="load-heading"')[1]
    assert officer.get_full_name() in load and "80 %" in load


def test_municipal_user_sees_contact_and_functions_on_municipality_page(
        client: Any, world: Any, sorvest: Any) -> None:
    membership = world.police.memberships.get(role=Role.POLICE_CONTACT)
    services.assignment_adopt(membership=membership, share_of_position=60,
                              mandate="Kan avtale faste møter")
    services.preventive_function_save(function=PreventiveFunction(
        police_district=sorvest, kind="radicalisation_contact", holder_name="Sara Haugen",
        phone="51 89 90 01", note="Bekymring for radikalisering"))
    client.force_login(world.leader)
    body = client.get(reverse("municipality_detail", args=["1103"])).content.decode()
    panel = body.split('id="police-contact-heading"')[1]
    assert world.police.email in panel and "60 %" in panel and "Kan avtale faste møter" in panel
    assert "Radikaliseringskontakt" in panel and "Sara Haugen" in panel


def test_directory_edit_by_district_admin_and_read_only_for_municipal_users(
        client: Any, world: Any, sorvest: Any) -> None:
    client.force_login(world.chief)
    response = client.post(reverse("politikontakt:function_create", args=[sorvest.code]), {
        "kind": "other", "other_name": "", "holder_name": "Per", "phone": "", "email": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Oppgi navnet på funksjonen" in body
    response = client.post(reverse("politikontakt:function_create", args=[sorvest.code]), {
        "kind": "online_patrol", "holder_name": "Nettpatruljen", "email": "nett@politiet.no"})
    assert response.status_code == 302
    client.force_login(world.leader)
    body = client.get(reverse("politikontakt:directory", args=[sorvest.code])).content.decode()
    assert "Nettpatruljen" in body and "Legg til funksjon" not in body
    client.force_login(world.outsider)
    assert client.get(reverse("politikontakt:directory", args=[sorvest.code])).status_code == 404


def test_outsider_does_not_see_other_municipalities_assignments(client: Any, world: Any) -> None:
    membership = world.police.memberships.get(role=Role.POLICE_CONTACT)
    services.assignment_adopt(membership=membership, share_of_position=60)
    client.force_login(world.outsider)
    body = client.get(reverse("politikontakt:assignment_list")).content.decode()
    assert "Stavanger" not in body.split("<h1>")[1]
    client.force_login(world.leader)
    assert "Stavanger" in client.get(reverse("politikontakt:assignment_list")).content.decode()
    # A council seat gives nothing of the municipality: bob holds one and sees no assignment.
    from tests.politirad.helpers import make_council

    make_council(world)
    client.force_login(world.member)
    assert "Stavanger" not in client.get(reverse("politikontakt:assignment_list")
                                         ).content.decode().split("<h1>")[1]


# --- Query budgets: the same count for 2 and 50 rows --------------------------------------


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _warm(client: Any, url: str) -> None:
    """The first request of the day builds the user's principal; later ones read the cache."""
    assert client.get(url).status_code == 200


def _contacts_with_assignments(n: int, start: int = 0) -> None:
    municipalities = list(Municipality.objects.order_by("number")[start:start + n])
    for m in municipalities:
        contact = UserFactory()
        services.assignment_create(contact=contact, municipality=m, share_of_position=50,
                                   mandate="" if m.pk % 2 else "Mandat")
        services.approval_request(contact=contact, police_district=m.police_district,
                                  reason="r", max_municipalities=4)


def _functions(district: Any, n: int) -> None:
    for i in range(n):
        services.preventive_function_save(function=PreventiveFunction(
            police_district=district, kind="other", other_name=f"F{i}", holder_name=f"H{i}",
            phone="1"))


@pytest.mark.parametrize("url_name,budget", [
    # The principal, the session and the user row come from the cache: no permission
    # query on a warm request.
    ("politikontakt:assignment_list", 3),
    ("politikontakt:approval_list", 2),
])
def test_list_queries_do_not_grow(client: Any, national_admin: Any, url_name: str,
                                  budget: int, django_assert_num_queries: Any) -> None:
    client.force_login(national_admin)
    url = reverse(url_name)
    _warm(client, url)
    _contacts_with_assignments(2)
    small = _count(client, url)
    _contacts_with_assignments(48, start=2)
    assert _count(client, url) == small
    with django_assert_num_queries(budget):
        client.get(url)


def test_coverage_queries_do_not_grow(client: Any, district_admin: Any, sorvest: Any,
                                      django_assert_num_queries: Any) -> None:
    client.force_login(district_admin)
    url = reverse("politikontakt:coverage")
    _warm(client, url)
    municipalities = list(Municipality.objects.filter(police_district=sorvest).order_by("number"))
    assert len(municipalities) > 10

    def fill(ms: list[Any]) -> None:
        for m in ms:
            services.assignment_create(contact=UserFactory(), municipality=m, share_of_position=30)

    fill(municipalities[:2])
    small = _count(client, url)
    fill(municipalities[2:])
    assert _count(client, url) == small
    with django_assert_num_queries(small):
        client.get(url)


def test_directory_queries_do_not_grow(client: Any, world: Any, sorvest: Any,
                                       django_assert_num_queries: Any) -> None:
    client.force_login(world.leader)
    url = reverse("politikontakt:directory", args=[sorvest.code])
    _warm(client, url)
    _functions(sorvest, 2)
    small = _count(client, url)
    _functions(sorvest, 48)
    assert _count(client, url) == small
    with django_assert_num_queries(small):
        client.get(url)


def test_municipality_page_panel_queries_do_not_grow(client: Any, world: Any, sorvest: Any) -> None:
    client.force_login(world.leader)
    url = reverse("municipality_detail", args=["1103"])
    _warm(client, url)
    _functions(sorvest, 2)
    small = _count(client, url)
    _functions(sorvest, 48)
    assert _count(client, url) == small


def test_home_page_reminds_administrators(client: Any, officer: Any, sorvest: Any,
                                          district_admin: Any, national_admin: Any) -> None:
    services.approval_request(contact=officer, police_district=sorvest, reason="r",
                              max_municipalities=4)
    client.force_login(national_admin)
    assert f"Avgjør godkjenning for {officer.get_full_name()}" in client.get("/").content.decode()
    client.force_login(district_admin)
    total = Municipality.objects.filter(police_district=sorvest).count()
    assert f"{total} kommuner har ingen politikontakt" in client.get("/").content.decode()


def test_other_districts_administrator_does_not_see_the_request(client: Any, officer: Any,
                                                                sorvest: Any) -> None:
    from samarbeid.models import PoliceDistrict
    from tests.factories import user_with_role

    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    vest = PoliceDistrict.objects.get(name="Vest")
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, police_district=vest))
    assert client.get(reverse("politikontakt:approval_decide", args=[approval.pk])).status_code == 404
    assert officer.get_full_name() not in client.get(
        reverse("politikontakt:approval_list")).content.decode()
    # …and cannot request approval for a contact outside their district.
    response = client.post(reverse("politikontakt:approval_request"), {
        "contact": officer.pk, "max_municipalities": 4, "reason": "r"})
    assert response.status_code == 200
    assert DirectorateApproval.objects.count() == 1


def test_last_day_today_keeps_the_contact_through_today(client: Any, officer: Any, places: Any,
                                                        district_admin: Any) -> None:
    """Issue #14: "last day" is the last day the contact serves, not the first day without."""
    a = assign(officer, places["Sola"])
    client.force_login(district_admin)
    today = timezone.localdate()
    client.post(reverse("politikontakt:assignment_end", args=[a.pk]),
                {"ends_on": today.isoformat()})
    a.refresh_from_db()
    assert a.is_active and not a.is_ended and a.last_day == today
    assert Assignment.objects.active().filter(pk=a.pk).exists()
    page = client.get(reverse("politikontakt:assignment_detail", args=[a.pk])).content.decode()
    assert today.strftime("%d.%m.%Y") in page


def test_an_expired_approval_says_so_on_its_own_page(client: Any, officer: Any, sorvest: Any,
                                                    national_admin: Any) -> None:
    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    services.approval_decide(approval=approval, approve=True, actor=national_admin,
                             expires_on=timezone.localdate() + dt.timedelta(days=30))
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(national_admin)
    page = client.get(reverse("politikontakt:approval_decide", args=[approval.pk])
                      ).content.decode()
    assert 'id="approval-expired"' in page and "utløpt" in page


def test_district_admin_home_shows_the_expired_approval(client: Any, officer: Any, sorvest: Any,
                                                       national_admin: Any,
                                                       district_admin: Any) -> None:
    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    services.approval_decide(approval=approval, approve=True, actor=national_admin,
                             expires_on=timezone.localdate() + dt.timedelta(days=30))
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(district_admin)
    home = client.get("/").content.decode()
    assert "er utløpt" in home
    assert reverse("politikontakt:approval_decide", args=[approval.pk]) in home


def test_municipality_page_shows_former_contacts(client: Any, officer: Any, places: Any,
                                                 district_admin: Any) -> None:
    a = assign(officer, places["Sola"])
    start = timezone.localdate() - dt.timedelta(days=60)
    Assignment.objects.filter(pk=a.pk).update(starts_on=start)
    a.refresh_from_db()
    services.assignment_end(assignment=a, ends_on=timezone.localdate() - dt.timedelta(days=5))
    client.force_login(district_admin)
    page = client.get(reverse("municipality_detail", args=[places["Sola"].number])
                      ).content.decode()
    former = page.split('id="former-contacts-heading"')[1].split("</ul>")[0]
    assert officer.get_full_name() in former


def test_directory_names_the_missing_functions_of_the_guide(client: Any, sorvest: Any,
                                                            district_admin: Any) -> None:
    PreventiveFunction.objects.filter(police_district=sorvest).delete()
    PreventiveFunction.objects.create(police_district=sorvest, kind="online_patrol",
                                      holder_name="Nettpatruljen")
    client.force_login(district_admin)
    page = client.get(reverse("politikontakt:directory", args=[sorvest.code])).content.decode()
    missing = page.split('id="missing-functions"')[1].split("</div>")[0]
    assert "8 av veilederens ni funksjoner" in missing
    assert "Nettpatrulje" not in missing and "Statens barnehus" in missing


def _covered(body: str) -> str:
    return body.split('id="covered-heading"')[1].split("</section>")[0]


def test_coverage_lists_covered_municipalities_with_their_contact(
        client: Any, officer: Any, places: Any, district_admin: Any) -> None:
    """Issue #14: the covered municipalities are listed too, each with its contact."""
    assign(officer, places["Sola"])
    client.force_login(district_admin)
    covered = _covered(client.get(reverse("politikontakt:coverage")).content.decode())
    assert "Sola" in covered and officer.get_full_name() in covered
    assert "Strand" not in covered


def test_police_contact_reads_coverage_of_their_own_municipalities(
        client: Any, officer: Any, places: Any) -> None:
    """Issue #14: a police contact reads the coverage page for the municipalities they serve,
    and is not offered to assign (that is the administrators')."""
    assign(officer, places["Sola"])
    other = UserFactory(first_name="Kari", last_name="Strand")
    assign(other, places["Randaberg"])
    client.force_login(officer)
    response = client.get(reverse("politikontakt:coverage"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sola" in _covered(body) and officer.get_full_name() in _covered(body)
    # Neither another contact's municipality nor the district's uncovered ones.
    assert "Randaberg" not in body and "Stavanger" not in body.split("<main")[1]
    assert reverse("politikontakt:assignment_create", args=[places["Sola"].number]) not in body


def test_unit_leader_reads_coverage_of_the_units_municipalities(
        client: Any, officer: Any, places: Any, sorvest: Any) -> None:
    from tests.factories import OperationalUnitFactory, user_with_role

    unit = OperationalUnitFactory(police_district=sorvest)
    Municipality.objects.filter(pk__in=[places["Stavanger"].pk, places["Sandnes"].pk]).update(
        operational_unit=unit)
    leader = user_with_role(Role.POLICE_LEADERSHIP, username="unitleader", operational_unit=unit)
    assign(officer, places["Stavanger"])
    assign(UserFactory(), places["Strand"])
    client.force_login(leader)
    response = client.get(reverse("politikontakt:coverage"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stavanger" in _covered(body) and officer.get_full_name() in _covered(body)
    uncovered = body.split('id="uncovered-heading"')[1].split("</section>")[0]
    assert "Sandnes" in uncovered and "Sola" not in uncovered
    assert ">Strand<" not in body  # the municipality (a generated person may be «… Strand»)


def test_coverage_is_closed_to_municipal_roles(client: Any, places: Any) -> None:
    from tests.factories import user_with_role

    mayor = user_with_role(Role.MUNICIPAL_LEADER, username="mayor",
                           municipality=places["Sola"])
    client.force_login(mayor)
    assert client.get(reverse("politikontakt:coverage")).status_code == 403


def test_an_assignment_under_an_expired_approval_says_it_expired(
        client: Any, officer: Any, places: Any, sorvest: Any, national_admin: Any,
        district_admin: Any) -> None:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    services.approval_decide(approval=approval, approve=True, actor=national_admin,
                             expires_on=timezone.localdate() + dt.timedelta(days=30))
    fourth = assign(officer, places["Randaberg"])
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(district_admin)
    page = client.get(reverse("politikontakt:assignment_detail", args=[fourth.pk])
                      ).content.decode()
    assert "utløpt" in page and "gyldig til" not in page
