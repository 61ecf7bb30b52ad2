"""Report exports and logged-in report pages (issue 7 §2, issue 6 "Export ... limited to
what the user may see"): every export holds only the rows the user may see and is sent as
a download; report and evaluation pages are never cached."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluering import services
from samarbeid.models import Municipality

pytestmark = pytest.mark.django_db


def _xlsx_names(client: Any, query: str = "") -> list[str]:
    response = client.get(reverse("rapporter:report_export", args=["municipalities", "xlsx"])
                          + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    return [str(r[1]) for r in rows[1:]]


def test_district_admins_xlsx_has_only_their_districts_rows(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    names = _xlsx_names(client)  # no narrowing asked for: still only Sør-Vest
    expected = set(Municipality.objects.filter(
        police_district=world.stavanger.police_district).values_list("name", flat=True))
    assert set(names) == expected and "Bergen" not in names and len(names) == len(expected)


def test_mayors_xlsx_has_only_their_municipality(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    assert _xlsx_names(client) == ["Stavanger"]


def test_export_of_a_district_the_user_may_not_see_is_not_found(world: Any,
                                                                client: Any) -> None:
    client.force_login(world.chief)
    other = world.bergen.police_district.code
    oslo = Municipality.objects.get(name="Oslo").county.number  # no Sør-Vest municipality
    for table in ("totals", "groups", "municipalities"):
        for fmt in ("csv", "xlsx"):
            url = reverse("rapporter:report_export", args=[table, fmt])
            assert client.get(url + f"?district={other}").status_code == 404, (table, fmt)
            assert client.get(url + f"?county={oslo}").status_code == 404


@pytest.mark.parametrize("table", ["totals", "groups", "municipalities"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_is_a_download(world: Any, client: Any, table: str, fmt: str) -> None:
    client.force_login(world.outsider)
    response = client.get(reverse("rapporter:report_export", args=[table, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="status-{table}-norge.{fmt}"'
    assert "no-store" in response["Cache-Control"]


def test_report_and_evaluation_pages_are_not_cached(world: Any, client: Any) -> None:
    evaluation = services.evaluation_create(
        municipality=world.stavanger, actor=world.leader, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), method="gll", mode="joint")
    district = world.stavanger.police_district
    pages = [
        reverse("rapporter:report_national"),
        reverse("rapporter:report_district", args=[district.code]),
        reverse("rapporter:report_county", args=[world.stavanger.county.number]),
        reverse("rapporter:report_list"), reverse("rapporter:report_map"),
        reverse("evaluering:index"),
        reverse("evaluering:evaluation_detail", args=[evaluation.pk]),
        reverse("evaluering:evaluation_answer", args=[evaluation.pk]),
        reverse("evaluering:evaluation_pdf", args=[evaluation.pk]),
        reverse("evaluering:municipality_history", args=[world.stavanger.number]),
    ]
    client.force_login(world.chief)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, (url, cache_control)
