"""The portal as people live in it (issue #14): a mayor on a laptop, a police contact on a
phone. The header keeps every link whole; the language switch names the current language in
words; the meeting agenda is arranged with htmx or plain forms."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import assert_accessible, login, reflow_problems

# Every page at every width, as every role: tests/e2e/test_reflow.py (the sweep's crawler).


def test_header_at_laptop_width_keeps_every_link_whole(page: Any, portal: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, portal.url, "admin.pod")
    header = page.locator("header")
    for name in ("Mine oppgaver", "Logg ut"):
        item = header.get_by_role("link", name=name).or_(header.get_by_role("button", name=name))
        box = item.first.bounding_box()
        assert box is not None
        # One line of text, entirely inside the window.
        assert box["height"] < 48, f"{name} wraps: {box}"
        assert box["x"] + box["width"] <= 1280, f"{name} is cut off: {box}"
    select = page.get_by_label("Språk")
    assert select.bounding_box()["width"] >= 110
    expect(select.locator("option:checked")).to_have_text("Norsk (bokmål)")
    assert_accessible(page)


def test_phone_police_contact_reads_council_and_agreement(page: Any, portal: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, portal.url, "politikontakt.sorvest")
    for path in ("/politirad/rad/1/", "/avtaler/1/"):
        page.goto(portal.url + path)
        assert reflow_problems(page) == []
        assert_accessible(page)


def _meeting_with_items(days: float = 10) -> Any:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from politirad import services
    from politirad.models import PoliceCouncil

    contact = get_user_model().objects.get(username="politikontakt.sorvest")
    council = PoliceCouncil.objects.get(name="Politirådet i Stavanger")
    meeting = services.meeting_create(council=council, actor=contact, place="Rådhuset",
                                      starts_at=timezone.now() + dt.timedelta(days=days))
    for title in ("Første sak", "Andre sak", "Tredje sak"):
        services.agenda_item_add(meeting=meeting, actor=contact, title=title)
    return meeting


def _agenda_titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#agenda-section li > strong").all_inner_texts()]


def test_agenda_items_move_and_go_with_htmx_and_late_warning(page: Any, portal: Any) -> None:
    meeting = _meeting_with_items(days=2)  # inside the lead time: the agenda is late already
    login(page, portal.url, "politikontakt.sorvest")
    page.goto(f"{portal.url}/politirad/moter/{meeting.pk}/")
    expect(page.locator("#agenda-late-warning")).to_contain_text("Fristen for dagsordenen")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Ned – flytt sak 1 ned").click()
    expect(page.locator("#messages")).to_contain_text("«Første sak» er nå sak 2")
    assert _agenda_titles(page)[:3] == ["Andre sak", "Første sak", "Tredje sak"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Fjern – sak 3").click()
    expect(page.locator("#messages")).to_contain_text("Sak 3 er fjernet")
    assert _agenda_titles(page)[:2] == ["Andre sak", "Første sak"]
    assert "Tredje sak" not in _agenda_titles(page)
    assert page.evaluate("window.__noReload") is True  # swapped in place, no page load
    assert_accessible(page)
    # Once sent, the buttons are gone.
    page.get_by_role("button", name="Send dagsorden").click()
    expect(page.locator("#messages")).to_contain_text("etter fristen")
    expect(page.get_by_role("button", name="Fjern – sak 1")).to_have_count(0)


def test_agenda_arranging_works_without_javascript(browser: Any, portal: Any) -> None:
    meeting = _meeting_with_items()
    context = browser.new_context(java_script_enabled=False, locale="nb-NO")
    page = context.new_page()
    login(page, portal.url, "politikontakt.sorvest")
    page.goto(f"{portal.url}/politirad/moter/{meeting.pk}/")
    page.get_by_role("button", name="Opp – flytt sak 3 opp").click()
    assert _agenda_titles(page)[:3] == ["Første sak", "Tredje sak", "Andre sak"]
    page.get_by_role("button", name="Fjern – sak 1").click()
    assert _agenda_titles(page)[:2] == ["Tredje sak", "Andre sak"]
    context.close()
