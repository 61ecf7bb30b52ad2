"""Issue #4 "Done when", in real Chromium: a police contact plans a meeting, builds the
agenda, sends it (the e-mail with the .ics is captured), records attendance and writes
minutes with two tasks; the chair approves; the PDF holds the tasks, the responsible people
and the deadlines; the responsible person marks the task done in My tasks; a member of
another municipality gets 404 on all of it; axe-core finds nothing on any page."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from politirad.models import Meeting, Task, TaskStatus

from .conftest import assert_accessible, login

LABELS = {"Per Hansen": "Per Hansen (Kommunedirektør)",
          "Nina Dahl": "Nina Dahl (Tjenesteenhetsleder)"}


def _logout(page: Any) -> None:
    page.context.clear_cookies()


def test_police_council_meeting_from_plan_to_done_task(page: Any, portal: Any) -> None:
    base = portal.url
    login(page, base, "politikontakt.sorvest")

    # The police contact finds the council and plans a meeting.
    page.get_by_role("link", name="Politiråd", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Politiråd")
    assert_accessible(page)
    page.get_by_role("link", name="Politirådet i Stavanger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Politirådet i Stavanger")
    assert_accessible(page)
    page.get_by_role("link", name="Planlegg et møte").click()
    assert_accessible(page)
    starts = (timezone.localtime() + dt.timedelta(days=10)).replace(hour=10, minute=0)
    page.get_by_label("Tittel").fill("Sommermøte")
    page.get_by_label("Starter").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Sted").fill("Stavanger rådhus")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sommermøte")
    meeting_url = page.url
    meeting = Meeting.objects.get(title="Sommermøte")

    # Builds the agenda: one open item and one exempt item with its legal basis.
    page.get_by_role("link", name="Legg til en sak").first.click()
    assert_accessible(page)
    page.get_by_label("Tittel").fill("Trygg skolevei")
    page.get_by_label("Beskrivelse").fill("Status for skoleveiene i sentrum.")
    page.get_by_label("Innleder").fill("Ola Berg")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Saken er lagt til på dagsordenen.")).to_be_visible()
    page.get_by_role("link", name="Legg til en sak").first.click()
    page.get_by_label("Tittel").fill("Bekymringssak ungdom")
    page.get_by_label("Tilgangsnivå").select_option("exempt")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("må ha hjemmel")).to_be_visible()  # refused, input kept
    expect(page.get_by_label("Tittel")).to_have_value("Bekymringssak ungdom")
    assert_accessible(page)
    page.get_by_label("Hjemmel").fill("offl. § 13 jf. fvl. § 13")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Trygg skolevei")).to_be_visible()
    assert_accessible(page)

    # Sends it: every member gets the agenda with an .ics invitation.
    mail.outbox.clear()
    page.get_by_role("button", name="Send dagsorden").click()
    expect(page.get_by_text("Dagsordenen er sendt til 5 medlemmer")).to_be_visible()
    expect(page.locator("#agenda-status")).to_contain_text("Sendt i tide")
    assert len(mail.outbox) == 5
    invitation = mail.outbox[0]
    assert any(name == "invitation.ics" and b"BEGIN:VEVENT" in (content if isinstance(
        content, bytes) else content.encode()) for name, content, _ in invitation.attachments)
    assert "Trygg skolevei" in invitation.body and "Bekymringssak" not in invitation.body
    assert_accessible(page)

    # Records attendance.
    page.get_by_role("link", name="Registrer oppmøte").click()
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("Per Hansen")).get_by_label("Meldt forfall").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Oppmøtet er lagret.")).to_be_visible()

    # Writes minutes with two tasks.
    page.get_by_role("link", name="Referat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referat fra møtet")
    assert_accessible(page)
    item1 = page.get_by_role("form", name="Referat for sak 1")
    item1.get_by_label("Notater").fill("Kommunen og politiet gikk gjennom skoleveiene.")
    item1.get_by_label("Vedtak (ett per linje)").fill("Bedre belysning på tre strekninger.")
    item1.get_by_role("button", name="Lagre sak 1").click()
    expect(page.get_by_text("Referatet for sak 1 er lagret.")).to_be_visible()
    deadlines = {"Sette opp lys langs skoleveien": (timezone.localdate() + dt.timedelta(days=30),
                                                    "Per Hansen"),
                 "Lage situasjonsbilde for uteliv": (timezone.localdate() + dt.timedelta(days=45),
                                                     "Nina Dahl")}
    for title, (deadline, person) in deadlines.items():
        form = page.locator("section", has=page.get_by_role("heading", name="Legg til en oppgave"))
        form.get_by_label("Sak", exact=True).select_option(label="1. Trygg skolevei")
        form.get_by_label("Oppgave").fill(title)
        form.get_by_label("Ansvarlig medlem").select_option(label=LABELS[person])
        form.get_by_label("Frist").fill(deadline.isoformat())
        form.get_by_role("button", name="Legg til oppgaven").click()
        expect(page.get_by_text(f"Oppgaven «{title}» er lagt til.")).to_be_visible()
    assert_accessible(page)
    minutes_url = page.url.split("#")[0]

    # The meeting is held (time passes): minutes can be approved only after it started.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))

    # The chair approves.
    _logout(page)
    login(page, base, "ordforer.stavanger")
    page.goto(minutes_url)
    page.get_by_role("button", name="Godkjenn referatet").click()
    expect(page.get_by_text("Referatet er godkjent.")).to_be_visible()
    assert_accessible(page)

    # The PDF holds the tasks, the responsible people and the deadlines.
    response = page.request.get(f"{base}/politirad/moter/{meeting.pk}/referat.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    for title, (deadline, person) in deadlines.items():
        assert title in text and person in text and deadline.strftime("%d.%m.%Y") in text
    assert "Bedre belysning på tre strekninger." in text

    # The responsible person sees the task in My tasks and marks it done.
    _logout(page)
    login(page, base, "kommunedirektor.stavanger")
    page.get_by_role("link", name="Mine oppgaver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine oppgaver")
    assert_accessible(page)
    page.get_by_role("link", name="Sette opp lys langs skoleveien").click()
    assert_accessible(page)
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Kommentar").fill("Lysene er bestilt og montert.")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Oppgaven er oppdatert.")).to_be_visible()
    expect(page.locator("#task-status")).to_have_text("Utført")
    expect(page.get_by_text("Lysene er bestilt og montert.")).to_be_visible()
    assert_accessible(page)
    task = Task.objects.get(title="Sette opp lys langs skoleveien")
    assert task.status == TaskStatus.DONE

    # A member of another municipality gets 404 on all of it.
    _logout(page)
    login(page, base, "ordforer.bergen")
    for url in (f"{base}/politirad/rad/{meeting.council_id}/", meeting_url, minutes_url,
                f"{base}/politirad/moter/{meeting.pk}/referat.pdf",
                f"{base}/politirad/moter/{meeting.pk}/kalender.ics",
                f"{base}/politirad/oppgaver/{task.pk}/"):
        assert page.goto(url).status == 404, url
    expect(page.get_by_role("heading", level=1)).to_have_text("Fant ikke siden")
    page.goto(f"{base}/politirad/mine-oppgaver/")
    expect(page.get_by_text("Sette opp lys")).to_have_count(0)
    assert_accessible(page)
