"""Done when (issue 6): a council runs a GLL evaluation with the facts filled in and the
summary saved; a national administrator opens the national report, drills into Sør-Vest
and one municipality, downloads the XLSX whose rows match the page; axe finds nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import assert_accessible, login


def test_council_runs_a_gll_evaluation_with_facts_and_summary(page: Any, portal: Any) -> None:
    login(page, portal.url, "ordforer.stavanger")
    page.get_by_role("link", name="Evalueringer", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evalueringer")
    assert_accessible(page)
    page.get_by_role("link", name="Start en evaluering").first.click()
    assert_accessible(page)
    council_select = page.get_by_label("Politiråd eller forum i portalen")
    if council_select.count():
        options = council_select.locator("option").all_text_contents()
        stavanger = next((o for o in options if "Stavanger" in o), None)
        if stavanger:
            council_select.select_option(label=stavanger)
    page.locator("#id_municipality").select_option(label="Stavanger")
    page.get_by_label("Hva evalueres").select_option(label="Politiråd")
    page.get_by_label("Navn på forumet").fill("Politirådet i Stavanger")
    today = dt.date.today()  # noqa: DTZ011 — the browser's date input wants a plain date
    page.get_by_label("Periode fra").fill((today - dt.timedelta(days=364)).isoformat())
    page.get_by_label("Periode til").fill(today.isoformat())
    page.get_by_label("GLL (gjort, lært, lurt)").check()
    page.get_by_label("Ett felles svar").check()
    page.get_by_role("button", name="Start evalueringen").click()
    expect(page.get_by_text("Evalueringen er startet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Fyll inn svarene").click()
    facts = page.locator("aside")
    expect(facts.get_by_role("heading", name="Fakta for perioden")).to_be_visible()
    expect(facts.get_by_role("row", name=re.compile("Møter holdt mot målet"))).to_be_visible()
    expect(facts.get_by_role("row", name=re.compile("SLT-tiltak startet i perioden"))
           ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gjort: Hva har vi gjort?").fill("Fire møter og en handlingsplan for uteliv.")
    page.get_by_label("Lært: Hva har vi lært?").fill("Oppgaver med frist blir fulgt opp.")
    page.get_by_label("Lurt: Hva var lurt?").fill("Å sende dagsorden to uker før.")
    page.get_by_label("Forumets oppsummering").fill("Et godt år; mer oppfølging av tiltak.")
    page.get_by_role("button", name="Lagre og fullfør evalueringen").click()
    expect(page.get_by_text("Evalueringen er fullført og lagret.")).to_be_visible()
    expect(page.get_by_text("Et godt år; mer oppfølging av tiltak.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Møter holdt mot målet"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Hva skal gjøres").fill("Send dagsorden tidligere")
    page.get_by_label("Frist").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Legg til oppgaven").click()
    expect(page.get_by_role("status")).to_contain_text("Læringspunktet er nå")
    expect(page.get_by_role("row", name=re.compile("Send dagsorden tidligere"))).to_be_visible()

    page.get_by_role("link", name="Stavanger").first.click()
    expect(page.get_by_role("heading", name="Tidligere evalueringer side om side")).to_be_visible()
    assert_accessible(page)


def _table_rows(page: Any) -> list[list[str]]:
    rows = []
    for row in page.locator("#municipality-table tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows.append(cells)
    return rows


def test_admin_drills_down_and_the_xlsx_matches_the_page(page: Any, portal: Any) -> None:
    login(page, portal.url, "admin.pod")
    page.get_by_role("link", name="Rapporter", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Status for samarbeidet: Norge")
    expect(page.get_by_text("Rapporten omfatter 357 kommuner")).to_be_visible()
    assert_accessible(page)

    page.locator("#groups-table").get_by_role("link", name="Sør-Vest", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sør-Vest politidistrikt")
    assert_accessible(page)
    shown = _table_rows(page)
    assert any(r[0] == "Stavanger" for r in shown)

    section = page.locator("section", has=page.get_by_role("heading", name="Kommuner", exact=True))
    with page.expect_download() as info:
        section.get_by_role("link", name=re.compile("Excel")).click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet is not None
    xlsx = list(sheet.iter_rows(values_only=True))
    header, body = xlsx[0], xlsx[1:]
    assert [r[1] for r in body] == [r[0] for r in shown]
    checks = len(header) - 6  # number, name, county, district, population … overall
    for got, row in zip(body, shown, strict=True):
        assert got[4] == int(row[1].replace("\xa0", "").replace(" ", ""))
        assert list(got[5:5 + checks + 1]) == row[2:2 + checks + 1]

    page.get_by_role("link", name="Kart", exact=True).click()
    expect(page.get_by_role("link", name=re.compile(r"^Stavanger: "))).to_have_count(1)
    expect(page.get_by_text("Kommunegrenser: © Kartverket (CC BY 4.0)")).to_be_visible()
    assert_accessible(page)

    page.go_back()
    page.locator("#municipality-table").get_by_role("link", name="Stavanger", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stavanger")
    expect(page.get_by_role("heading", name="Evaluering", exact=True)).to_be_visible()
    assert_accessible(page)


def test_evaluation_and_report_pages_obey_the_csp(browser: Any, portal: Any) -> None:
    context = browser.new_context()  # keeps the CSP, unlike the default test context
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    login(page, portal.url, "admin.pod")
    for path in ["/evaluering/rapporter/", "/evaluering/rapporter/kart/",
                 "/evaluering/rapporter/kommuner/", "/evaluering/", "/evaluering/kommune/1103/"]:
        page.goto(portal.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(portal.url + "/evaluering/kommune/1103/")
    page.get_by_role("link", name="Politirådet i Stavanger").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluering")
    page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []
