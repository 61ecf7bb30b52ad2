"""Status reports across municipalities, built only on the compliance registry."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rapporter import reports, svgmap
from samarbeid.models import AuditEvent, Municipality, Participation, Role
from tests.factories import user_with_role

from .conftest import set_participation

pytestmark = pytest.mark.django_db

TOTAL_POPULATION = 5_550_203


def test_national_totals_count_share_and_population_share(world: Any, fake_checks: Any) -> None:
    set_participation(["Oslo", "Bergen"], Participation.TAKING_PART)
    report = reports.build(world.admin)
    assert len(report.rows) == 357
    cells = dict(report.totals)[fake_checks[0]]
    ok = cells[reports.STATUSES.index(reports.Status.OK)]
    assert ok.count == 2
    assert round(ok.share, 2) == round(200 / 357, 2)
    oslo_bergen = Municipality.objects.get(name="Oslo").population + world.bergen.population
    assert ok.population == oslo_bergen
    assert ok.total_population == TOTAL_POPULATION
    assert round(ok.population_share, 1) == round(100 * oslo_bergen / TOTAL_POPULATION, 1)
    assert "check=test_agreement" in ok.url and "status=ok" in ok.url


def test_district_admin_sees_only_their_district_and_outsider_only_bergen(
        world: Any, fake_checks: Any) -> None:
    names = {r.municipality.name for r in reports.build(world.chief).rows}
    assert "Stavanger" in names and "Sandnes" in names and "Bergen" not in names
    assert all(r.municipality.police_district_id == world.stavanger.police_district_id
               for r in reports.build(world.chief).rows)
    assert [r.municipality.name for r in reports.build(world.outsider).rows] == ["Bergen"]


def test_groups_by_district_then_by_county(world: Any, fake_checks: Any) -> None:
    national = reports.build(world.admin)
    assert national.group_by == "district"
    assert len(national.groups) == 12
    assert sum(g.municipalities for g in national.groups) == 357
    sorvest = reports.build(world.admin, district=world.stavanger.police_district)
    assert sorvest.group_by == "county"
    assert {g.name for g in sorvest.groups} >= {"Rogaland"}


def test_national_page_drills_down_to_district_county_and_municipality(
        world: Any, client: Any, fake_checks: Any) -> None:
    client.force_login(world.admin)
    page = client.get(reverse("rapporter:report_national")).content.decode()
    district_url = reverse("rapporter:report_district", args=[world.stavanger.police_district.code])
    assert district_url in page
    page = client.get(district_url).content.decode()
    county_url = reverse("rapporter:report_county", args=[world.stavanger.county.number])
    assert county_url in page
    assert reverse("municipality_detail", args=[world.stavanger.number]) in page
    page = client.get(county_url + f"?district={world.stavanger.police_district.code}")
    assert page.status_code == 200
    assert "Stavanger" in page.content.decode()


def test_each_cell_links_to_the_municipalities_it_counts(world: Any, client: Any,
                                                          fake_checks: Any) -> None:
    set_participation(["Stavanger", "Sandnes"], Participation.DECLINED)
    client.force_login(world.admin)
    district = world.stavanger.police_district.code
    url = (reverse("rapporter:report_list")
           + f"?district={district}&check=test_agreement&status=declined")
    page = client.get(url).content.decode()
    rows = re.findall(r'<th scope="row"><a href="/kommuner/(\d{4})/">', page)
    assert sorted(rows) == sorted([world.stavanger.number, world.sandnes.number])


def test_municipal_user_sees_own_status_and_404_for_other_districts(
        world: Any, client: Any, fake_checks: Any) -> None:
    client.force_login(world.leader)
    page = client.get(reverse("rapporter:report_national")).content.decode()
    assert re.findall(r'<th scope="row"><a href="/kommuner/(\d{4})/">', page) == []
    listing = client.get(reverse("rapporter:report_list")).content.decode()
    assert re.findall(r'<th scope="row"><a href="/kommuner/(\d{4})/">', listing) == [
        world.stavanger.number]
    response = client.get(reverse("rapporter:report_district", args=[world.bergen.police_district.code]))
    assert response.status_code == 404


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["report_national", "report_list", "report_map"])
def test_report_query_budget_is_fixed_whatever_the_number_of_municipalities(
        world: Any, client: Any, fake_checks: Any, name: str,
        django_assert_num_queries: Any, settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0  # the budget of building the page, not of a cached copy
    client.force_login(world.admin)
    url = reverse(f"rapporter:{name}")
    _queries(client, url)  # the principal is built once, then cached for the day
    many = _queries(client, url)
    keep = [world.stavanger.pk, world.sandnes.pk, world.bergen.pk]
    Municipality.objects.exclude(pk__in=keep).exclude(name="Oslo").delete()
    assert Municipality.objects.count() == 4
    few = _queries(client, url)
    assert many == few
    # user, municipalities, list of ids, 2 test checks, ours (2 + terms); the session and
    # the principal come from the cache. The map reads the districts for its filter too.
    with django_assert_num_queries(8 if name == "report_map" else 7):
        client.get(url)


def test_district_report_query_budget_same_for_district_and_national_admin(
        world: Any, client: Any, fake_checks: Any) -> None:
    url = reverse("rapporter:report_district", args=[world.stavanger.police_district.code])
    client.force_login(world.chief)
    chief = _queries(client, url)
    client.force_login(world.admin)
    admin = _queries(client, url)
    # The district admin's scope costs one subquery-free roles read more at most.
    assert abs(chief - admin) <= 1


def test_xlsx_export_matches_the_page_and_is_audited(world: Any, client: Any,
                                                     fake_checks: Any) -> None:
    client.force_login(world.chief)
    district = world.stavanger.police_district.code
    response = client.get(reverse("rapporter:report_export", args=["municipalities", "xlsx"])
                          + f"?district={district}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Nummer", "Kommune")
    assert "Evaluering gjort i perioden" in rows[0]
    names = [r[1] for r in rows[1:]]
    expected = list(Municipality.objects.filter(police_district__code=district)
                    .order_by("name", "number").values_list("name", flat=True))
    assert names == expected
    assert "Bergen" not in names
    event = AuditEvent.objects.get(action="export")
    assert event.actor == world.chief and "xlsx" in event.summary


def test_csv_export_of_totals_is_limited_to_what_the_user_sees(world: Any, client: Any,
                                                               fake_checks: Any) -> None:
    client.force_login(world.outsider)
    response = client.get(reverse("rapporter:report_export", args=["totals", "csv"]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Regel"
    overall = rows[-1]
    assert overall[0] == "Samlet"
    # One municipality (Bergen): every status count adds up to 1.
    counts = [int(overall[i]) for i in range(1, len(overall), 3)]
    assert sum(counts) == 1


def test_groups_export_has_a_row_per_district(world: Any, client: Any, fake_checks: Any) -> None:
    client.force_login(world.admin)
    response = client.get(reverse("rapporter:report_export", args=["groups", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 13
    assert sum(int(r[1]) for r in rows[1:]) == 357


def test_export_of_an_unknown_table_is_404(world: Any, client: Any) -> None:
    client.force_login(world.admin)
    assert client.get(reverse("rapporter:report_export", args=["secrets", "csv"])).status_code == 404


def test_map_has_a_named_link_per_visible_municipality_and_no_inline_style(
        world: Any, client: Any, fake_checks: Any) -> None:
    client.force_login(world.chief)
    page = client.get(reverse("rapporter:report_map")).content.decode()
    assert 'aria-label="Stavanger: ' in page
    assert page.count('<a href="/kommuner/') >= 20  # links in the SVG and rows in the table
    assert 'aria-label="Bergen' not in page  # outside the district: outline only, no link
    assert "style=" not in page
    assert "Kommunegrenser: © Kartverket (CC BY 4.0), bearbeidet/forenklet" in page
    assert 'class="m m-' in page


def test_map_paths_cover_all_357_municipalities() -> None:
    data = svgmap.paths()
    assert len(data["municipalities"]) == 357
    assert all(m["d"].startswith("M") for m in data["municipalities"].values())
    assert data["municipalities"]["1103"]["name"] == "Stavanger"


def test_police_leadership_sees_reports_nav_and_municipal_user_evaluations_nav(
        world: Any, client: Any) -> None:
    client.force_login(world.admin)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/evaluering/rapporter/"' in home
    client.force_login(world.leader)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/evaluering/"' in home and 'href="/evaluering/rapporter/"' not in home
    leadership = user_with_role(Role.POLICE_LEADERSHIP,
                                operational_unit=world.stavanger.operational_unit)
    client.force_login(leadership)
    assert 'href="/evaluering/rapporter/"' in client.get(reverse("home")).content.decode()


def test_search_in_the_list_also_narrows_the_export(world: Any, client: Any,
                                                    fake_checks: Any) -> None:
    client.force_login(world.admin)
    page = client.get(reverse("rapporter:report_list") + "?q=stav").content.decode()
    assert re.findall(r'<th scope="row"><a href="/kommuner/(\d{4})/">', page) == ["1103"]
    response = client.get(reverse("rapporter:report_export", args=["municipalities", "csv"])
                          + "?q=stav")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["Stavanger"]


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_translations_are_complete(lang: str) -> None:
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "rapporter" / "locale" / lang / "LC_MESSAGES"
                          / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_national_page_draws_a_stacked_bar_per_rule(world: Any, client: Any,
                                                    fake_checks: Any) -> None:
    set_participation(["Oslo"], Participation.TAKING_PART)
    set_participation(["Bergen"], Participation.DECLINED)
    client.force_login(world.admin)
    page = client.get(reverse("rapporter:report_national")).content.decode()
    chart = page[page.index('class="status-chart"'):page.index("</figure>")]
    assert chart.count('class="status-chart-row"') == len(fake_checks) + 1
    first_bar = chart.split('class="status-chart-row"')[1]
    widths = [float(w) for w in re.findall(r'width="([\d.]+)"', first_bar)]
    assert sum(widths) == pytest.approx(100, abs=0.1)
    assert 'class="m-ok"' in first_bar and 'class="m-declined"' in first_bar
    assert "style=" not in page


def test_exports_open_right_in_norwegian_excel(world: Any, client: Any, fake_checks: Any) -> None:
    """Issue #14: semicolons, decimal comma, UTF-8 with BOM; XLSX numbers rounded with a
    number format; the district export named after the district."""
    client.force_login(world.chief)
    district = world.stavanger.police_district
    response = client.get(reverse("rapporter:report_export", args=["totals", "csv"])
                          + f"?district={district.code}")
    assert response.content.startswith("\ufeff".encode())
    assert 'filename="status-totals-sor-vest' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    shares = [v for v in rows[1][2:] if v and not v.isdigit()]
    assert shares and all("," in v and "." not in v for v in shares), rows[1]
    response = client.get(reverse("rapporter:report_export", args=["totals", "xlsx"])
                          + f"?district={district.code}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    floats = [(c.number_format, c.value) for row in sheet.iter_rows(min_row=2) for c in row
              if isinstance(c.value, float)]
    assert floats and all(fmt == "0.0" and value == round(value, 1) for fmt, value in floats)


def test_district_table_shows_the_status_distribution_compactly(world: Any, client: Any,
                                                                fake_checks: Any) -> None:
    """Issue #14: one bar and the counts per status with the population share, no wall of
    "0 (0,0 %, 0,0 % av folketallet)"."""
    set_participation(["Stavanger", "Sandnes"], Participation.TAKING_PART)
    client.force_login(world.admin)
    page = client.get(reverse("rapporter:report_national")).content.decode()
    table = page[page.index('id="groups-table"'):]
    table = table[:table.index("</table>")]
    assert "0 (0,0" not in table and "0,0 % av folketallet" not in table
    sorvest = next(r for r in table.split("<tr>") if ">Sør-Vest<" in r)
    counts = re.findall(r'status=(\w+)">([^<:]+): (\d+)</a>', sorvest)
    district = Municipality.objects.filter(police_district=world.stavanger.police_district)
    assert sum(int(n) for _s, _label, n in counts) == district.count()
    assert "av folketallet" in sorvest  # the population share beside each count
    assert 'class="status-chart-bar"' in sorvest and 'aria-hidden="true"' in sorvest


def test_chart_offers_the_population_share(world: Any, client: Any, fake_checks: Any) -> None:
    set_participation(["Oslo"], Participation.TAKING_PART)
    client.force_login(world.admin)
    url = reverse("rapporter:report_national")
    by_count = client.get(url).content.decode()
    assert "share=population" in by_count
    by_population = client.get(url + "?share=population").content.decode()
    assert "Stolpene viser andelen av folketallet." in by_population

    def ok_width(page: str) -> float:
        chart = page[page.index('class="status-chart"'):page.index("</figure>")]
        first_bar = chart.split('class="status-chart-row"')[1]
        found = re.search(r'class="m-ok" x="[\d.]+" y="0" width="([\d.]+)"', first_bar)
        assert found is not None
        return float(found.group(1))

    oslo = Municipality.objects.get(name="Oslo").population
    assert oslo is not None
    assert ok_width(by_count) == pytest.approx(100 / 357, abs=0.01)
    assert ok_width(by_population) == pytest.approx(100 * oslo / TOTAL_POPULATION, abs=0.01)


def test_map_is_filtered_by_a_district_the_user_picks(world: Any, client: Any,
                                                      fake_checks: Any) -> None:
    client.force_login(world.admin)
    page = client.get(reverse("rapporter:report_map")).content.decode()
    assert '<select name="district"' in page and ">Sør-Vest</option>" in page
    district = world.stavanger.police_district.code
    page = client.get(reverse("rapporter:report_map") + f"?district={district}").content.decode()
    assert 'aria-label="Stavanger: ' in page and 'aria-label="Bergen: ' not in page
    assert f'<option value="{district}" selected>' in page
    assert '<script src="/static/rapporter/map.js" defer></script>' in page
