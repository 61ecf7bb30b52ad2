"""The permission matrix by CONTENT, not status codes (the one policy, Veileder §4.1.5).

A unique canary string goes into every exempt and every internal field of the council's
records (item titles, descriptions, presenters, notes, decisions, corrections, task titles
and descriptions, attachment names). Then, on the real demo with its twelve users and an
anonymous visitor, every URL pattern of the project is fetched — and every PDF, .ics, feed,
CSV/XLSX and e-mail a role can trigger — and no canary may appear where the role may not read
it. A URL pattern without a row here fails the test.

Who may read what is written out below from the guide's rules, not computed by the policy
under test: exempt content is for the council's seats and the parties of its municipality
(§4.1.5, taushetsplikt); internal content also for others who work with the council; the
public and outsiders read neither; outputs that leave the portal (calendar, export, audit)
carry neither, and e-mail carries no exempt content.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from samarbeid import demo as core_demo
from samarbeid.models import AuditEvent, Municipality, UserProfile
from tests.politirad import helpers

pytestmark = pytest.mark.django_db

# Who reads which level of the Stavanger council's content (the demo's seats: the mayor
# (chair), the chief municipal executive, the unit leader, the police contact (secretary) and
# the business member; the parties: the mayor, the chief municipal executive, the police
# contact, the unit leader, the district administrators).
READS_EXEMPT = {"ordforer.stavanger", "kommunedirektor.stavanger", "tjenesteleder.sorvest",
                "politikontakt.sorvest", "radsmedlem.stavanger", "politimester.sorvest",
                "admin.sorvest"}
# The SLT coordinator works in Stavanger; the national administrators see every council.
READS_INTERNAL = READS_EXEMPT | {"slt.stavanger", "admin.pod", "admin.ks"}
# ordforer.sandnes and ordforer.bergen read nothing of Stavanger's council; nor the public.
ROLES = sorted(u.username for u in core_demo.USERS) + ["anonymous"]


def forbidden(role: str) -> set[str]:
    levels = set()
    if role not in READS_EXEMPT:
        levels.add("EXEMPT")
    if role not in READS_INTERNAL:
        levels.add("INTERNAL")
    return levels


@dataclass
class Canaries:
    values: dict[str, str] = field(default_factory=dict)  # canary -> level
    n: int = 0

    def make(self, level: str, what: str) -> str:
        self.n += 1
        value = f"KANARI-{level}-{what}-{self.n}Z"
        self.values[value] = level
        return value


@dataclass
class Ctx:
    users: dict[str, Any]
    stavanger: Municipality
    council: Any
    held: Any  # the meeting with approved, published minutes full of canaries
    upcoming: Any  # a meeting whose agenda holds canaries, not yet sent
    exempt_item: Any
    internal_item: Any
    exempt_task: Any
    internal_task: Any
    attachment: Any
    canaries: Canaries
    objects: dict[str, Any] = field(default_factory=dict)


def build() -> Ctx:
    """The demo, plus canaries in every exempt and internal field of one council."""
    from politirad import services
    from politirad.models import AttendanceStatus, Minutes, PoliceCouncil
    from slt import services as slt_services
    from slt.models import SltModel

    built = core_demo.build()
    users = built.users
    contact, chair = users["politikontakt.sorvest"], users["ordforer.stavanger"]
    stavanger = built.municipality("Stavanger")
    council = PoliceCouncil.objects.get(municipality=stavanger, name="Politirådet i Stavanger")
    c = Canaries()
    start = timezone.now() - dt.timedelta(days=5)
    held = services.meeting_create(council=council, actor=contact, starts_at=start,
                                   place="Rådhuset")
    items = {}
    for level in ("EXEMPT", "INTERNAL"):
        items[level] = services.agenda_item_add(
            meeting=held, actor=contact, title=c.make(level, "TITLE"),
            description=c.make(level, "DESCRIPTION"), presenter=c.make(level, "PRESENTER"),
            access_level=level.lower(),
            legal_basis="offl. § 13 jf. fvl. § 13" if level == "EXEMPT" else "")
    open_item = services.agenda_item_add(meeting=held, actor=contact, title="Åpen sak")
    pdf = SimpleUploadedFile(c.make("EXEMPT", "FILENAME") + ".pdf", b"%PDF-1.4\n%kanari\n",
                             content_type="application/pdf")
    attachment = services.attachment_add(item=items["EXEMPT"], upload=pdf, actor=contact)
    services.attachment_add(
        item=items["INTERNAL"], actor=contact,
        upload=SimpleUploadedFile(c.make("INTERNAL", "FILENAME") + ".pdf", b"%PDF-1.4\n%k\n",
                                  content_type="application/pdf"))
    services.attendance_record(meeting=held, actor=contact, statuses={
        m.pk: AttendanceStatus.PRESENT for m in council.members.active()})
    member = council.members.active().get(user=contact)
    tasks = {}
    for level, item in items.items():
        services.minutes_entry_save(
            meeting=held, agenda_item=item, actor=contact, notes=c.make(level, "NOTES"),
            decisions=[c.make(level, "DECISION")], access_level=level.lower(),
            legal_basis=item.legal_basis)
        tasks[level] = services.task_create(
            meeting=held, actor=contact, agenda_item=item, title=c.make(level, "TASK"),
            responsible_member=member, deadline=timezone.localdate() + dt.timedelta(days=2))
    # An open item whose minutes entry is exempt: the entry decides, not the item.
    services.minutes_entry_save(meeting=held, agenda_item=open_item, actor=contact,
                                notes=c.make("EXEMPT", "ENTRYNOTES"),
                                decisions=[c.make("EXEMPT", "ENTRYDECISION")],
                                access_level="exempt", legal_basis="offl. § 13")
    minutes = Minutes.objects.get(meeting=held)
    services.minutes_approve(minutes=minutes, actor=chair)
    for level in ("EXEMPT", "INTERNAL"):
        services.minutes_correction_add(
            minutes=minutes, actor=contact, text=c.make(level, "CORRECTION"),
            access_level=level.lower(),
            legal_basis="offl. § 13" if level == "EXEMPT" else "")
    services.minutes_publish(minutes=minutes, actor=contact)

    upcoming = services.meeting_create(council=council, actor=contact,
                                       starts_at=timezone.now() + dt.timedelta(days=2),
                                       place="Rådhuset")
    for level in ("EXEMPT", "INTERNAL"):
        services.agenda_item_add(
            meeting=upcoming, actor=contact, title=c.make(level, "UPCOMINGTITLE"),
            description=c.make(level, "UPCOMINGDESCRIPTION"), access_level=level.lower(),
            legal_basis="offl. § 13" if level == "EXEMPT" else "")
    services.agenda_item_add(meeting=upcoming, actor=contact, title="Vanlig sak")

    # SLT measures that started from the council's tasks (a page of another app). The police
    # contact links them: only someone who may read a task may link it (slt.services).
    model = SltModel.objects.get(municipality=stavanger)
    level_obj = model.levels.get(kind="executing")
    for level, task in tasks.items():
        slt_services.measure_create(
            slt_model=model, actor=contact, title=f"Tiltak fra {level.lower()}",
            level=level_obj, council_task=task, focus_area=None,
            focus_area_other="Oppfølging fra politirådet", coordination_step=1,
            responsible_name="SLT-koordinator",
            starts_on=timezone.localdate(), ends_on=timezone.localdate() + dt.timedelta(days=40))
    from politikontakt import services as contact_services

    services.plan_create(council=council, actor=contact, kind="action", title="Handlingsplan",
                         starts_on=timezone.localdate(),
                         ends_on=timezone.localdate() + dt.timedelta(days=365))

    contact_services.approval_request(
        contact=contact, police_district=stavanger.police_district, max_municipalities=4,
        reason="Fire små kommuner i samme driftsenhet.", actor=users["politimester.sorvest"])
    return Ctx(users=users, stavanger=stavanger, council=council, held=held, upcoming=upcoming,
               exempt_item=items["EXEMPT"], internal_item=items["INTERNAL"],
               exempt_task=tasks["EXEMPT"], internal_task=tasks["INTERNAL"],
               attachment=attachment, canaries=c)


# --- One row per URL pattern: the URL(s) each role fetches -----------------------------------

Row = Callable[[Ctx, Any], list[str]]


def _first(model_path: str, **lookup: Any) -> Any:
    from django.apps import apps

    app_label, name = model_path.split(".")
    obj = apps.get_model(app_label, name).objects.filter(**lookup).order_by("pk").first()
    assert obj is not None, f"the demo has no {model_path} {lookup}"
    return obj


def _u(name: str, *args: Any) -> Row:
    return lambda ctx, user: [reverse(name, args=list(args))]


def _meeting(name: str) -> Row:
    return lambda ctx, user: [reverse(name, args=[ctx.held.pk]), reverse(name, args=[ctx.upcoming.pk])]


def _council(name: str) -> Row:
    return lambda ctx, user: [reverse(name, args=[ctx.council.pk])]


def _stavanger(name: str) -> Row:
    return lambda ctx, user: [reverse(name, args=[ctx.stavanger.number])]


def _agreement(name: str, version: bool = False) -> Row:
    def row(ctx: Ctx, user: Any) -> list[str]:
        version_obj = _first("avtaler.AgreementVersion", agreement__municipality=ctx.stavanger)
        args = [version_obj.agreement_id] + ([version_obj.number] if version else [])
        return [reverse(name, args=args)]
    return row


def _slt_measure(name: str) -> Row:
    def row(ctx: Ctx, user: Any) -> list[str]:
        from slt.models import SltMeasure

        return [reverse(name, args=[m.pk]) for m in
                SltMeasure.objects.filter(council_task__in=[ctx.exempt_task, ctx.internal_task])]
    return row


def _feed(ctx: Ctx, user: Any) -> list[str]:
    if user is None:
        return [reverse("politirad:calendar_feed", args=["x" * 43])]
    token = UserProfile.objects.get(user=user).rotate_calendar_token()
    return [reverse("politirad:calendar_feed", args=[token])]


def _exports(ctx: Ctx, user: Any) -> list[str]:
    return [reverse("rapporter:report_export", args=[table, fmt])
            for table in ("totals", "groups", "municipalities") for fmt in ("csv", "xlsx")]


def _signed_copy(ctx: Ctx, user: Any) -> list[str]:
    version = _first("avtaler.AgreementVersion", agreement__municipality=ctx.stavanger,
                     status="in_force")
    return [reverse("avtaler:signed_copy", args=[version.agreement_id, version.number, party])
            for party in ("municipality", "police")]


def _by_pk(name: str, model_path: str, **lookup: Any) -> Row:
    return lambda ctx, user: [reverse(name, args=[_first(model_path, **lookup).pk])]


def _function(name: str, with_pk: bool = False) -> Row:
    def row(ctx: Ctx, user: Any) -> list[str]:
        function = _first("politikontakt.PreventiveFunction")
        # The directory is per police district: the code in the URL is the district's.
        args: list[Any] = [function.police_district.code] + ([function.pk] if with_pk else [])
        return [reverse(name, args=args)]
    return row


def _slt_member(ctx: Ctx, user: Any) -> list[str]:
    member = _first("slt.LevelMember", level__slt_model__municipality=ctx.stavanger)
    return [reverse("slt:member_remove", args=[ctx.stavanger.number, member.pk])]


ROWS: dict[str, Row] = {
    "home": _u("home"), "login": _u("login"), "logout": _u("logout"),
    "password_change": _u("password_change"), "password_change_done": _u("password_change_done"),
    "password_reset": _u("password_reset"), "password_reset_done": _u("password_reset_done"),
    "password_reset_confirm": _u("password_reset_confirm", "MQ", "set-password"),
    "password_reset_complete": _u("password_reset_complete"),
    "my_settings": _u("my_settings"), "rotate_calendar_token": _u("rotate_calendar_token"),
    "municipality_list": lambda ctx, user: [reverse("municipality_list"),
                                            reverse("municipality_list") + "?q=Stavanger"],
    "municipality_detail": _stavanger("municipality_detail"),
    "municipality_participation": _stavanger("municipality_participation"),
    "accessibility": _u("accessibility"), "healthz": _u("healthz"),
    "set_language": _u("set_language"),
    # Issue 11: invitations, SSO, the second factor and the People pages.
    "invitation_accept": _u("invitation_accept", "x" * 43),
    "sso_start": _u("sso_start", "ukjent"), "sso_callback": _u("sso_callback", "ukjent"),
    "mfa_verify": _u("mfa_verify"), "mfa_setup": _u("mfa_setup"),
    "mfa_recovery": _u("mfa_recovery"),
    "people_index": _u("people_index"), "people_invite": _u("people_invite"),
    "people_district": lambda ctx, user: [reverse("people_district",
                                                  args=[ctx.stavanger.police_district.code])],
    "people_municipality": _stavanger("people_municipality"),
    "people_seat": lambda ctx, user: [reverse("people_seat", args=["council", ctx.council.pk])],
    "people_membership": _by_pk("people_membership", "samarbeid.Membership",
                                municipality__name="Stavanger"),
    "invitation_resend": _u("invitation_resend", 1), "invitation_revoke": _u("invitation_revoke", 1),
    "user_deactivate": lambda ctx, user: [reverse(
        "user_deactivate", args=[ctx.users["ordforer.stavanger"].pk])],
    "avtaler:register": _u("avtaler:register"), "avtaler:verify": _u("avtaler:verify"),
    "avtaler:create": _stavanger("avtaler:create"),
    "avtaler:detail": _agreement("avtaler:detail"),
    "avtaler:version_detail": _agreement("avtaler:version_detail", version=True),
    "avtaler:edit": _agreement("avtaler:edit", version=True),
    "avtaler:send": _agreement("avtaler:send", version=True),
    "avtaler:sign": _agreement("avtaler:sign", version=True),
    "avtaler:withdraw": _agreement("avtaler:withdraw", version=True),
    "avtaler:pdf": _agreement("avtaler:pdf", version=True),
    "avtaler:signed_copy": _signed_copy,
    "avtaler:revise": _agreement("avtaler:revise"),
    "avtaler:compare": _agreement("avtaler:compare"),
    "avtaler:decline": _agreement("avtaler:decline"),
    "politirad:council_list": _u("politirad:council_list"),
    "politirad:council_create": _stavanger("politirad:council_create"),
    "politirad:council_detail": _council("politirad:council_detail"),
    "politirad:council_edit": _council("politirad:council_edit"),
    "politirad:member_add": _council("politirad:member_add"),
    "politirad:member_remove": lambda ctx, user: [reverse(
        "politirad:member_remove", args=[ctx.council.members.first().pk])],
    "politirad:meeting_create": _council("politirad:meeting_create"),
    "politirad:plan_create": _council("politirad:plan_create"),
    "politirad:knowledge_request_add": _council("politirad:knowledge_request_add"),
    "politirad:plan_detail": _by_pk("politirad:plan_detail", "politirad.ActionPlan"),
    "politirad:meeting_detail": _meeting("politirad:meeting_detail"),
    "politirad:meeting_edit": _meeting("politirad:meeting_edit"),
    "politirad:meeting_ics": _meeting("politirad:meeting_ics"),
    "politirad:agenda_item_add": _meeting("politirad:agenda_item_add"),
    "politirad:agenda_send": _meeting("politirad:agenda_send"),
    "politirad:attendance": _meeting("politirad:attendance"),
    "politirad:minutes": _meeting("politirad:minutes"),
    "politirad:task_add": _meeting("politirad:task_add"),
    "politirad:minutes_approve": _meeting("politirad:minutes_approve"),
    "politirad:minutes_publish": _meeting("politirad:minutes_publish"),
    "politirad:minutes_correction": _meeting("politirad:minutes_correction"),
    "politirad:minutes_pdf": lambda ctx, user: [reverse("politirad:minutes_pdf", args=[ctx.held.pk])],
    "politirad:minutes_public_pdf": lambda ctx, user: [
        reverse("politirad:minutes_public_pdf", args=[ctx.held.pk])],
    "politirad:agenda_item_edit": lambda ctx, user: [
        reverse("politirad:agenda_item_edit", args=[i.pk])
        for i in (ctx.exempt_item, ctx.internal_item)],
    "politirad:agenda_item_delete": lambda ctx, user: [
        reverse("politirad:agenda_item_delete", args=[i.pk])
        for i in (ctx.exempt_item, ctx.internal_item)],
    "politirad:agenda_item_move": lambda ctx, user: [
        reverse("politirad:agenda_item_move", args=[i.pk])
        for i in (ctx.exempt_item, ctx.internal_item)],
    "politirad:attachment_download": lambda ctx, user: [
        reverse("politirad:attachment_download", args=[a.pk])
        for a in (ctx.attachment,)],
    "politirad:municipality_request_decide": lambda ctx, user: [
        reverse("politirad:municipality_request_decide", args=[1])],
    "politirad:my_tasks": lambda ctx, user: [reverse("politirad:my_tasks"),
                                             reverse("politirad:my_tasks") + "?state=all"],
    "politirad:task_detail": lambda ctx, user: [
        reverse("politirad:task_detail", args=[t.pk])
        for t in (ctx.exempt_task, ctx.internal_task)],
    "politirad:calendar_feed": _feed,
    # Issue 13: the extract is built for a period holding the canary meeting; the public
    # pages are fetched by everyone, anonymous included.
    "politirad:archive_extract": lambda ctx, user: [
        reverse("politirad:archive_extract", args=[ctx.council.pk]),
        reverse("politirad:archive_extract", args=[ctx.council.pk])
        + f"?start={(timezone.localdate() - dt.timedelta(days=30)).isoformat()}"
        f"&end={timezone.localdate().isoformat()}"],
    "politirad:public_council": _council("politirad:public_council"),
    "politirad:public_minutes": lambda ctx, user: [
        reverse("politirad:public_minutes", args=[ctx.held.pk])],
    "politirad:public_minutes_pdf": lambda ctx, user: [
        reverse("politirad:public_minutes_pdf", args=[ctx.held.pk])],
    "politikontakt:assignment_list": _u("politikontakt:assignment_list"),
    "politikontakt:assignment_detail": _by_pk("politikontakt:assignment_detail",
                                              "politikontakt.Assignment"),
    "politikontakt:assignment_change": _by_pk("politikontakt:assignment_change",
                                              "politikontakt.Assignment"),
    "politikontakt:assignment_end": _by_pk("politikontakt:assignment_end",
                                           "politikontakt.Assignment"),
    "politikontakt:assignment_create": _stavanger("politikontakt:assignment_create"),
    "politikontakt:coverage": _u("politikontakt:coverage"),
    "politikontakt:approval_list": _u("politikontakt:approval_list"),
    "politikontakt:approval_request": _u("politikontakt:approval_request"),
    "politikontakt:approval_decide": _by_pk("politikontakt:approval_decide",
                                            "politikontakt.DirectorateApproval"),
    "politikontakt:directory_index": _u("politikontakt:directory_index"),
    "politikontakt:directory": _function("politikontakt:directory"),
    "politikontakt:function_create": _function("politikontakt:function_create"),
    "politikontakt:function_edit": _function("politikontakt:function_edit", with_pk=True),
    "politikontakt:function_delete": _function("politikontakt:function_delete", with_pk=True),
    "slt:dashboard": _u("slt:dashboard"),
    "slt:measure_detail": _slt_measure("slt:measure_detail"),
    "slt:measure_edit": _slt_measure("slt:measure_edit"),
    "slt:measure_progress": _slt_measure("slt:measure_progress"),
    "slt:action_plan_detail": _by_pk("slt:action_plan_detail", "slt.SltActionPlan"),
    "slt:action_plan_pdf": _by_pk("slt:action_plan_pdf", "slt.SltActionPlan"),
    "slt:overview": _stavanger("slt:overview"),
    "slt:model_edit": _stavanger("slt:model_edit"),
    "slt:level_detail": lambda ctx, user: [reverse("slt:level_detail",
                                                   args=[ctx.stavanger.number, kind])
                                           for kind in ("steering", "coordinating", "executing")],
    "slt:member_remove": _slt_member,
    "slt:measure_list": _stavanger("slt:measure_list"),
    "slt:measure_create": _stavanger("slt:measure_create"),
    "slt:action_plan_list": _stavanger("slt:action_plan_list"),
    "evaluering:index": _u("evaluering:index"),
    "evaluering:evaluation_create": _u("evaluering:evaluation_create"),
    "evaluering:evaluation_detail": _by_pk("evaluering:evaluation_detail",
                                           "evaluering.Evaluation"),
    "evaluering:evaluation_answer": _by_pk("evaluering:evaluation_answer",
                                           "evaluering.Evaluation"),
    "evaluering:response_submit": _by_pk("evaluering:response_submit", "evaluering.Evaluation"),
    "evaluering:follow_up_create": _by_pk("evaluering:follow_up_create",
                                          "evaluering.Evaluation"),
    "evaluering:evaluation_pdf": _by_pk("evaluering:evaluation_pdf", "evaluering.Evaluation"),
    "evaluering:municipality_history": _stavanger("evaluering:municipality_history"),
    "rapporter:report_national": _u("rapporter:report_national"),
    "rapporter:report_district": lambda ctx, user: [reverse(
        "rapporter:report_district", args=[ctx.stavanger.police_district.code])],
    "rapporter:report_county": lambda ctx, user: [reverse(
        "rapporter:report_county", args=[ctx.stavanger.county.number])],
    "rapporter:report_list": _u("rapporter:report_list"),
    "rapporter:report_map": _u("rapporter:report_map"),
    "rapporter:report_export": _exports,
}


def _names(patterns: list[Any], namespace: str = "") -> list[str]:
    names: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns == "admin":
                continue  # the admin rows are built from the registry below
            names.extend(_names(p.url_patterns, f"{namespace}{ns}:" if ns else namespace))
        elif isinstance(p, URLPattern):
            names.append(f"{namespace}{p.name}")
    return names


def _admin_urls(ctx: Ctx) -> list[str]:
    """Every admin changelist, and the change page of every council record with canaries."""
    from django.contrib import admin

    urls = []
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    for obj in (ctx.held, ctx.exempt_task, ctx.internal_task, ctx.council, ctx.held.minutes):
        meta = obj._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    return urls


def body_text(response: Any) -> str:
    """What a person could read in the response: HTML, text, PDF text, XLSX cells."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) \
        else response.content
    kind = response.get("Content-Type", "")
    disposition = response.get("Content-Disposition", "")
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(content))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PdfReadError, ValueError):  # an uploaded attachment, not a rendered PDF
            text = content.decode("latin-1")
        return text + disposition
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace")
                           for n in archive.namelist()) + disposition
    return content.decode("utf-8", "replace") + kind + disposition


def leaks(text: str, role: str, canaries: Canaries) -> list[str]:
    """Canaries in `text` that the role may not read. A PDF's text may break a canary across
    lines, so the text is also searched with its whitespace removed."""
    squeezed = re.sub(r"\s+", "", text)
    found = {m for m in canaries.values if m in text or m in squeezed}
    return sorted(m for m in found if canaries.values[m] in forbidden(role))


def test_every_url_pattern_has_a_content_row() -> None:
    names = _names(get_resolver().url_patterns)
    missing = sorted(set(names) - set(ROWS))
    assert not missing, f"URL patterns without a row in the content matrix: {missing}"
    stale = sorted(set(ROWS) - set(names))
    assert not stale, f"content rows for patterns that no longer exist: {stale}"


def _client_for(ctx: Ctx, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(ctx.users[role])
    return client


def test_no_page_shows_a_canary_its_reader_may_not_read() -> None:
    ctx = build()
    readers: dict[str, set[str]] = {}
    failures = []
    for role in ROLES:
        client = _client_for(ctx, role)
        user = None if role == "anonymous" else ctx.users[role]
        urls = [url for name in sorted(ROWS) for url in ROWS[name](ctx, user)]
        if role == "admin.pod":  # the national administrator is the demo's superuser
            urls += _admin_urls(ctx)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{url} as {role}: {response.status_code}"
            text = body_text(response)
            for canary in canaries_in(text, ctx.canaries):
                readers.setdefault(canary, set()).add(role)
            bad = leaks(text, role, ctx.canaries)
            if bad:
                failures.append(f"{role} {url}: {bad}")
    assert not failures, "content the role may not read:\n" + "\n".join(failures)
    # The test can see what it looks for: each canary is read somewhere by someone allowed.
    unseen = sorted(set(ctx.canaries.values) - set(readers))
    assert not unseen, f"canaries no allowed reader found on any page: {unseen}"
    assert {"ordforer.stavanger", "radsmedlem.stavanger"} <= readers[
        ctx.exempt_task.title], "seats read exempt tasks"
    assert "slt.stavanger" in readers[ctx.internal_task.title]


def canaries_in(text: str, canaries: Canaries) -> set[str]:
    squeezed = re.sub(r"\s+", "", text)
    return {m for m in canaries.values if m in text or m in squeezed}


def test_e_mails_carry_no_exempt_content_and_internal_only_to_readers(settings: Any) -> None:
    from samarbeid import notify

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ctx = build()
    mail.outbox.clear()
    helpers.send_agenda(ctx.upcoming, ctx.users["politikontakt.sorvest"])
    notify.run_all_scans()
    assert mail.outbox, "the agenda and the reminders were sent"
    by_email = {u.email: name for name, u in ctx.users.items()}
    failures = []
    for message in mail.outbox:
        parts = [str(message.subject), str(message.body)] + [
            (a[1].decode() if isinstance(a[1], bytes) else str(a[1]))
            for a in message.attachments]
        parts += [alt[0] for alt in getattr(message, "alternatives", [])]
        text = "\n".join(parts)
        for recipient in message.to:
            role = by_email.get(recipient, "anonymous")  # an external member reads as public
            found = canaries_in(text, ctx.canaries)
            exempt = sorted(m for m in found if ctx.canaries.values[m] == "EXEMPT")
            internal = sorted(m for m in found if ctx.canaries.values[m] == "INTERNAL"
                              and "INTERNAL" in forbidden(role))
            if exempt or internal:
                failures.append(f"{message.subject!r} to {role}: {exempt + internal}")
    assert not failures, "\n".join(failures)


def test_calendars_exports_and_audit_summaries_carry_no_canary() -> None:
    ctx = build()
    failures = []
    for role in ("politikontakt.sorvest", "radsmedlem.stavanger", "admin.pod"):
        client = _client_for(ctx, role)
        user = ctx.users[role]
        for url in (_feed(ctx, user) + _meeting("politirad:meeting_ics")(ctx, user)
                    + _exports(ctx, user)):
            response = client.get(url)
            found = canaries_in(body_text(response), ctx.canaries)
            if found:
                failures.append(f"{role} {url}: {sorted(found)}")
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    in_audit = canaries_in(summaries, ctx.canaries)
    assert not in_audit, f"typed text in audit summaries: {sorted(in_audit)}"
    assert not failures, "\n".join(failures)
