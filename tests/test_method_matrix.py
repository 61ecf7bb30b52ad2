"""The permission matrix by STATUS: every URL pattern (the Django admin included) × every
method its view accepts × every demo user (the twelve of `samarbeid/demo.py`) and anonymous.

Issue #16. The expectations below are written from the policy (README «Architecture» and
«Confidentiality levels», `samarbeid/access.py`, the comment above `politirad.models.council_q`),
not from what the code answers. HEAD and OPTIONS are not requested: Django answers HEAD with
the GET view (the test client runs the same view, so it adds nothing over GET), and OPTIONS is
answered by the view's `options()`/the decorators without reaching the access checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samarbeid import demo as core_demo
from tests import test_content_matrix as content

pytestmark = pytest.mark.django_db

USERS = [u.username for u in core_demo.USERS]
ROLES = [*USERS, "anonymous"]
METHODS = ("GET", "POST")


# --- walking the resolver (no set: a duplicate name fails) -----------------------------------

@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced; the admin's unnamed catch-all gets "admin:<catch-all>"
    route: str
    callback: Any


def walk(patterns: Iterable[Any], namespace: str = "", route: str = "") -> list[Pattern]:
    found: list[Pattern] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            found += walk(p.url_patterns, f"{namespace}{ns}:" if ns else namespace,
                          route + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = p.name
            if name is None:
                assert namespace == "admin:", f"URL pattern {route}{p.pattern} has no name"
                # The admin's unnamed patterns: each ModelAdmin's `<object_id>/` redirect to
                # the change page, and AdminSite.final_catch_all_view. Named by their route.
                name = f"<{route}{p.pattern}>"
            found.append(Pattern(f"{namespace}{name}", route + str(p.pattern), p.callback))
    return found


def all_patterns() -> list[Pattern]:
    return walk(get_resolver().url_patterns)


def duplicates(patterns: list[Pattern]) -> list[str]:
    seen: dict[str, int] = {}
    for p in patterns:
        seen[p.name] = seen.get(p.name, 0) + 1
    return sorted(n for n, k in seen.items() if k > 1)


# --- which methods a view accepts ------------------------------------------------------------

# Views with no method decorator: they answer GET and POST (a PUT is served like a GET).
# A new undecorated view fails `test_every_pattern_has_methods_and_a_rule` until it is listed
# here (better: decorate it with `require_http_methods`).
# The Django admin's views take GET and POST by design (only its logout, password-change-done,
# autocomplete and jsi18n views are decorated), so the admin namespace is allowed as a whole.
UNDECORATED: frozenset[str] = frozenset({
    "home", "login", "password_change", "password_reset", "password_reset_confirm",
    "my_settings", "invitation_accept", "mfa_verify", "mfa_setup", "people_invite",
    "people_seat", "people_membership", "municipality_detail", "municipality_participation",
    "accessibility", "set_language", "avtaler:verify", "avtaler:create", "avtaler:edit",
    "avtaler:send", "avtaler:sign", "avtaler:withdraw", "avtaler:revise", "avtaler:decline",
    "politirad:council_create", "politirad:council_edit", "politirad:member_add",
    "politirad:meeting_create", "politirad:plan_create", "politirad:knowledge_request_add",
    "politirad:plan_detail", "politirad:meeting_edit", "politirad:agenda_item_add",
    "politirad:attendance", "politirad:minutes", "politirad:agenda_item_edit",
    "politirad:task_detail", "politikontakt:assignment_change", "politikontakt:assignment_end",
    "politikontakt:assignment_create", "politikontakt:approval_request",
    "politikontakt:approval_decide", "politikontakt:function_create",
    "politikontakt:function_edit", "slt:measure_edit", "slt:model_edit", "slt:level_detail",
    "slt:measure_create", "slt:action_plan_list", "evaluering:evaluation_create",
    "evaluering:evaluation_answer", "evaluering:response_submit",
})


def accepted_methods(client: Client, name: str, url: str) -> tuple[str, ...]:
    """Ask the view with an unused method as the superuser: the method decorators answer 405
    with an `Allow` header. The admin's views (and the allow-listed ones) take GET and POST."""
    response = client.generic("PUT", url)
    if response.status_code == 405:
        allow = {m.strip().upper() for m in response["Allow"].split(",")}
        return tuple(m for m in METHODS if m in allow)
    return METHODS


# --- URLs ------------------------------------------------------------------------------------

def admin_url(ctx: content.Ctx, name: str, route: str) -> str:
    """The admin's URL for `name`, on a real demo object where the pattern takes one."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    short = name.removeprefix("admin:")
    if short.startswith("<") and "(?P<url>" in short:
        return "/admin/finnes-ikke/"
    if short.startswith("<"):  # a ModelAdmin's `<path:object_id>/`: the change page's parent
        app_label, model_name = short.strip("<>").split("/")[1:3]
        obj = apps.get_model(app_label, model_name).objects.order_by("pk").first()
        return f"/admin/{app_label}/{model_name}/{obj.pk if obj is not None else 999999}/"
    if short == "app_list":
        return reverse(name, kwargs={"app_label": "politirad"})
    if short == "view_on_site":
        ct = ContentType.objects.get_for_model(ctx.stavanger)
        return reverse(name, args=[ct.pk, ctx.stavanger.pk])
    if "<" not in route.split("admin/", 1)[-1]:
        return reverse(name)
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"{meta.app_label}_{meta.model_name}_"
        if short.startswith(prefix):
            obj = apps.get_model(meta.app_label, meta.model_name).objects.order_by("pk").first()
            # A model the demo holds no row of: an id that does not exist (the admin answers
            # the staff check first, then sends the superuser to the index with a message).
            return reverse(name, args=[obj.pk if obj is not None else 999999])
    raise AssertionError(f"cannot build {name} ({route})")


# --- one request -----------------------------------------------------------------------------

def request(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    """One request whose writes are rolled back, so an allowed POST (an empty one sends no
    agenda, but a real one might) changes nothing for the roles after it; the session cookie
    is put back (a POST to a logout view ends the session inside the rolled-back request)."""
    cookie = client.cookies.get("sessionid")
    saved = cookie.value if cookie is not None else None
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        transaction.set_rollback(True)
    if saved is not None:
        client.cookies["sessionid"] = saved
    elif "sessionid" in client.cookies:
        del client.cookies["sessionid"]
    if method == "POST" and any(w in url for w in ("/personer/", "/invitasjon", "/bruker")):
        cache.clear()  # a principal cached inside the rolled-back request
    return int(response.status_code)


def clients(ctx: content.Ctx) -> dict[str, Client]:
    out: dict[str, Client] = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(ctx.users[role])
        out[role] = client
    return out


POST_DATA: dict[str, dict[str, Any]] = {}


# --- the expectation table, from the policy --------------------------------------------------

LOGIN = 302  # anonymous users are sent to the login page
OK_GET = frozenset({200})
# An allowed empty POST: the form again with its errors (200), done/redirected (302), or a
# bare form view that answers a malformed post with 400.
OK_POST = frozenset({200, 302, 400})
FROZEN = frozenset({409})  # approved minutes / an agreement version in force: no change

# The demo's people, by what they are to Stavanger (samarbeid/demo.py USERS).
STAVANGER_LEADERS = {"ordforer.stavanger", "kommunedirektor.stavanger"}
CONTACT, UNIT, SLT = "politikontakt.sorvest", "tjenesteleder.sorvest", "slt.stavanger"
SEAT_ONLY = "radsmedlem.stavanger"  # a seat on «Politirådet i Stavanger», no role
DISTRICT = {"politimester.sorvest", "admin.sorvest"}
NATIONAL = {"admin.pod", "admin.ks"}
SUPERUSER = "admin.pod"  # also Django staff and superuser
SIGNERS = {"ordforer.stavanger", "politimester.sorvest"}  # can_sign for Stavanger / the police
CHAIR = "ordforer.stavanger"  # chair of the Stavanger council (politirad's demo)
# Working roles in Stavanger + the unit's leadership (access.py VIEW/WORK, without admins).
STAVANGER_WORK = STAVANGER_LEADERS | {CONTACT, UNIT, SLT}
ADMINS = DISTRICT | NATIONAL
# Sandnes is in the same district and unit, but not in the Stavanger council.
ANY_ROLE = set(USERS) - {SEAT_ONLY}  # every demo user with a Membership

Expect = dict[str, frozenset[int]]


def rule(ok: Iterable[int], allowed: Iterable[str], refused: Iterable[str] = (),
         other: int = 404, anonymous: int = LOGIN) -> Expect:
    """`allowed` get `ok`, `refused` (readers) get 403, every other user `other` (404:
    an outsider learns nothing), anonymous `anonymous`."""
    ok_set, allowed_set, refused_set = frozenset(ok), set(allowed), set(refused)
    out: Expect = {}
    for role in USERS:
        out[role] = (ok_set if role in allowed_set else
                     frozenset({403}) if role in refused_set else frozenset({other}))
    out["anonymous"] = frozenset({anonymous})
    return out


def municipal(ok: Iterable[int] = OK_GET, admin: bool = False) -> Expect:
    """A page of Stavanger (samarbeid/access.py). VIEW and WORK: its working roles, the unit's
    leadership, district and national administrators; ADMIN: the administrators only, the
    others 403; everyone else 404 (a council seat gives nothing of the municipality)."""
    if admin:
        return rule(ok, ADMINS, refused=STAVANGER_WORK)
    return rule(ok, STAVANGER_WORK | ADMINS)


def council(ok: Iterable[int] = OK_GET, change: bool = False, exempt: bool = False) -> Expect:
    """A page of «Politirådet i Stavanger» (politirad/models.py, council_q).
    VIEW: the seats, Stavanger's working roles, the unit's leadership, district and national
    administrators. CHANGE: the chair/secretary seats and the parties (municipal leaders,
    police contact, unit leadership, district administrators) — not the SLT coordinator, the
    business member or the national administrators (403). An EXEMPT record is for the seats and
    the parties only: the SLT coordinator and national administrators do not find it (404)."""
    viewers = STAVANGER_WORK | ADMINS | {SEAT_ONLY}
    changers = STAVANGER_LEADERS | {CONTACT, UNIT} | DISTRICT
    hidden = {SLT} | NATIONAL if exempt else set()
    if change:
        return rule(ok, changers, refused=viewers - changers - hidden)
    return rule(ok, viewers - hidden)


def everyone_logged_in(ok: Iterable[int] = OK_GET) -> Expect:
    return rule(ok, USERS)


def public(ok: Iterable[int] = OK_GET) -> Expect:
    return rule(ok, USERS, anonymous=next(iter(frozenset(ok))))


def administrators(ok: Iterable[int] = OK_GET, national_only: bool = False,
                   other: int = 403) -> Expect:
    """Pages of the administrators (district and national), 403 for every other user."""
    allowed = NATIONAL if national_only else ADMINS
    return rule(ok, allowed, refused=set(USERS) - allowed if other == 403 else DISTRICT,
                other=other)


def staff_only(superuser: Iterable[int] = (200,)) -> Expect:
    """The Django admin: only `admin.pod` is staff. Everyone else, logged in or not, is sent
    to the admin login page (302)."""
    return rule(superuser, {SUPERUSER}, other=302)


def per_role(base: Expect, **changes: Iterable[int]) -> Expect:
    out = dict(base)
    for role, statuses in changes.items():
        out[role.replace("_", ".")] = frozenset(statuses)
    return out


# One entry per pattern: method -> Expect, or a list of Expect (one per URL of the row).
Entry = dict[str, Expect | list[Expect]]


def both(get: Expect, post: Expect | None = None) -> Entry:
    return {"GET": get, "POST": post if post is not None else get}


G, P = OK_GET, OK_POST
OK_ANY = G | P
HELD, UPCOMING = 0, 1  # content.ROWS meeting rows: the held (approved) meeting, the next one
# A meeting row: held meeting (approved minutes) then the upcoming one.
def meeting_change(ok: Iterable[int]) -> list[Expect]:
    return [council(FROZEN, change=True), council(ok, change=True)]


def exempt_then_internal(ok: Iterable[int], change: bool = False,
                         frozen: bool = False) -> list[Expect]:
    """Rows over (the exempt record, the internal record) of the held meeting."""
    status = FROZEN if frozen else frozenset(ok)
    return [council(status, change=change, exempt=True), council(status, change=change)]


TABLE: dict[str, Entry] = {
    # --- accounts: every logged-in user; the login and reset pages are public -------------
    "home": both(everyone_logged_in(), everyone_logged_in(G)),
    # A logged-in user is sent on from the login page.
    "login": both(rule({302}, USERS, anonymous=200)),
    "logout": {"POST": rule({302}, USERS)},  # anonymous: 302 to the login page too
    "password_change": both(everyone_logged_in(), everyone_logged_in(P)),
    "password_change_done": {"GET": everyone_logged_in()},
    "password_reset": both(public()), "password_reset_done": {"GET": public()},
    "password_reset_confirm": both(public()),  # an invalid link: the page says so
    "password_reset_complete": {"GET": public()},
    "my_settings": both(everyone_logged_in(), everyone_logged_in(P)),
    "rotate_calendar_token": {"POST": everyone_logged_in(P)},
    # An unknown link (the demo has no invitation) or an unknown SSO provider: 404 for all.
    "invitation_accept": both(rule({404}, USERS, anonymous=404)),
    "sso_start": {"GET": rule({404}, USERS, anonymous=404)},
    "sso_callback": {"GET": rule({404}, USERS, anonymous=404)},
    # The second factor: the page for those who need it, a redirect on for the others
    # (MFA_REQUIRED is off in the suite; which of the two is not an access question).
    "mfa_verify": both(everyone_logged_in({200, 302}), everyone_logged_in({200, 302})),
    "mfa_setup": both(everyone_logged_in({200, 302}), everyone_logged_in({200, 302})),
    "mfa_recovery": {"POST": everyone_logged_in({302})},
    "accessibility": both(public()), "healthz": {"GET": public()},
    "set_language": both(public({302})),
    # --- People pages (README «People, invitations»): administrators; per municipality the
    # readers of the municipality; per council its chair and police contact + administrators.
    # A district administrator's overview sends them on to their district (302).
    "people_index": {"GET": per_role(administrators(), politimester_sorvest={302},
                                     admin_sorvest={302})},
    "people_invite": both(administrators(), administrators(P)),
    "people_district": {"GET": administrators()},
    "people_municipality": {"GET": municipal()},
    "people_seat": both(*[rule(ok, {CHAIR, CONTACT} | ADMINS,
                               refused={"kommunedirektor.stavanger", UNIT, SLT, SEAT_ONLY})
                          for ok in (G, P)]),
    # A role in Stavanger: its administrators change it; readers 403, outsiders 404.
    "people_membership": both(municipal(admin=True), municipal(P, admin=True)),
    # The demo has no invitation 1: 404 for every logged-in user (see the report, not covered).
    "invitation_resend": {"POST": rule({404}, USERS)},
    "invitation_revoke": {"POST": rule({404}, USERS)},
    # Deactivating a user: administrators (of the user's district); others find no user.
    "user_deactivate": {"POST": rule({302}, ADMINS)},
    # --- municipalities ----------------------------------------------------------------------
    "municipality_list": {"GET": everyone_logged_in()},
    "municipality_detail": both(municipal(), municipal(G)),
    "municipality_participation": both(municipal(), municipal(G)),
    # --- agreements (avtaler): Stavanger's; the demo's version 1 is in force, so editing is
    # frozen (409) for everyone who may work on it; signing is for those who may sign.
    "avtaler:register": {"GET": everyone_logged_in()},
    "avtaler:verify": both(everyone_logged_in(), everyone_logged_in(P)),
    "avtaler:create": both(municipal(), municipal(P)),
    "avtaler:detail": {"GET": municipal()}, "avtaler:version_detail": {"GET": municipal()},
    "avtaler:edit": both(municipal(FROZEN)),
    "avtaler:send": both(municipal(), municipal(P)),
    # The signers are sent on (the version in force needs no signature); the other readers 403.
    "avtaler:sign": both(rule({302}, SIGNERS, refused=(STAVANGER_WORK | ADMINS) - SIGNERS)),
    "avtaler:withdraw": both(municipal(), municipal(P)),
    "avtaler:pdf": {"GET": municipal()},
    # The demo's version in force has no uploaded signed copy: 404 for every reader.
    "avtaler:signed_copy": {"GET": rule({404}, USERS)},
    "avtaler:revise": both(municipal(), municipal(P)),
    "avtaler:compare": {"GET": municipal()},
    "avtaler:decline": both(municipal(), municipal(P)),
    # --- councils (politirad) ----------------------------------------------------------------
    "politirad:council_list": {"GET": everyone_logged_in()},
    # A new council for Stavanger: its parties (not the SLT coordinator, not national admins).
    "politirad:council_create": both(*[rule(ok, STAVANGER_LEADERS | {CONTACT, UNIT} | DISTRICT,
                                            refused={SLT} | NATIONAL) for ok in (G, P)]),
    "politirad:council_detail": {"GET": council()},
    "politirad:council_edit": both(council(change=True), council(P, change=True)),
    "politirad:member_add": both(council(change=True), council(P, change=True)),
    "politirad:member_remove": {"POST": council(P, change=True)},
    "politirad:meeting_create": both(council(change=True), council(P, change=True)),
    "politirad:plan_create": both(council(change=True), council(P, change=True)),
    "politirad:knowledge_request_add": both(council(change=True), council(P, change=True)),
    "politirad:plan_detail": both(council(), council(P, change=True)),
    "politirad:meeting_detail": {"GET": council()},
    "politirad:meeting_edit": {"GET": meeting_change(G), "POST": meeting_change(P)},
    "politirad:meeting_ics": {"GET": council()},
    "politirad:agenda_item_add": {"GET": meeting_change(G), "POST": meeting_change(P)},
    "politirad:agenda_send": {"POST": meeting_change(P)},
    "politirad:attendance": {"GET": meeting_change(G), "POST": meeting_change(P)},
    # The upcoming meeting: an empty POST names no agenda item, which is 404 after the
    # refusals (politirad/views.py minutes).
    "politirad:minutes": {"GET": council(),
                          "POST": [council(FROZEN, change=True), council({404}, change=True)]},
    "politirad:task_add": {"POST": meeting_change(P)},
    # Approving minutes is the chair's (held: already approved → sent on; upcoming: none).
    "politirad:minutes_approve": {"POST": rule({302}, {CHAIR}, refused=(
        STAVANGER_WORK | ADMINS | {SEAT_ONLY}) - {CHAIR})},
    "politirad:minutes_publish": {"POST": council({302}, change=True)},
    # Corrections are what may still be added after approval.
    "politirad:minutes_correction": {"POST": council(P, change=True)},
    "politirad:minutes_pdf": {"GET": council()},
    "politirad:minutes_public_pdf": {"GET": council()},
    # The held meeting's exempt and internal items: frozen for those who may change them.
    "politirad:agenda_item_edit": {m: exempt_then_internal(G, change=True, frozen=True)
                                   for m in METHODS},
    "politirad:agenda_item_delete": {"POST": exempt_then_internal(P, change=True, frozen=True)},
    "politirad:agenda_item_move": {"POST": exempt_then_internal(P, change=True, frozen=True)},
    "politirad:attachment_download": {"GET": council(exempt=True)},  # on the exempt item
    # The demo has no municipality request 1 (not covered, see the report).
    "politirad:municipality_request_decide": {"POST": rule({404}, USERS)},
    "politirad:my_tasks": {"GET": everyone_logged_in()},
    # The exempt and the internal task: readers read, only those who may change update.
    "politirad:task_detail": {"GET": exempt_then_internal(G),
                              "POST": exempt_then_internal(P, change=True)},
    # The feed is reached by its token only; a wrong token (anonymous here) is 404.
    "politirad:calendar_feed": {"GET": rule(G, USERS, anonymous=404)},
    # The archive extract (issue 13): administrators of the council; its other readers 403.
    "politirad:archive_extract": {"GET": rule(G, ADMINS, refused=(
        STAVANGER_WORK | {SEAT_ONLY}))},
    "politirad:public_council": {"GET": public()},
    "politirad:public_minutes": {"GET": public()},
    "politirad:public_minutes_pdf": {"GET": public()},
    # --- police contacts (politikontakt): the district's administrators assign; the
    # directorate (national administrators) decides approvals.
    "politikontakt:assignment_list": {"GET": everyone_logged_in()},
    "politikontakt:assignment_detail": {"GET": municipal()},
    "politikontakt:assignment_change": both(municipal(admin=True), municipal(P, admin=True)),
    "politikontakt:assignment_end": both(municipal(admin=True), municipal(P, admin=True)),
    "politikontakt:assignment_create": both(municipal(admin=True), municipal(P, admin=True)),
    # Coverage (issue #14): the administrators' districts, and the police contact's and the
    # unit leader's own municipalities; every other user 403.
    "politikontakt:coverage": {"GET": rule(G, ADMINS | {CONTACT, UNIT},
                                           refused=set(USERS) - ADMINS - {CONTACT, UNIT})},
    "politikontakt:approval_list": {"GET": administrators()},
    "politikontakt:approval_request": both(administrators(), administrators(P)),
    "politikontakt:approval_decide": {"GET": administrators(other=404),
                                      "POST": administrators(P, national_only=True, other=404)},
    "politikontakt:directory_index": {"GET": everyone_logged_in()},
    # The district's directory: readers of the district; changes by its administrators.
    "politikontakt:directory": {"GET": rule(G, ANY_ROLE - {"ordforer.bergen"})},
    "politikontakt:function_create": both(*[rule(ok, ADMINS, refused=ANY_ROLE - ADMINS - {
        "ordforer.bergen"}) for ok in (G, P)]),
    "politikontakt:function_edit": both(*[rule(ok, ADMINS, refused=ANY_ROLE - ADMINS - {
        "ordforer.bergen"}) for ok in (G, P)]),
    "politikontakt:function_delete": {"POST": rule(P, ADMINS, refused=ANY_ROLE - ADMINS - {
        "ordforer.bergen"})},
    # --- SLT: pages of Stavanger (WORK = VIEW people, access.py) ----------------------------
    "slt:dashboard": {"GET": everyone_logged_in()},
    "slt:measure_detail": {"GET": municipal()},
    "slt:measure_edit": both(municipal(), municipal(P)),
    "slt:measure_progress": {"POST": municipal(P)},
    "slt:action_plan_detail": {"GET": municipal()},
    "slt:action_plan_pdf": {"GET": municipal()},
    "slt:overview": {"GET": municipal()},
    "slt:model_edit": both(municipal(), municipal(P)),
    "slt:level_detail": both(municipal(), municipal(P)),
    "slt:member_remove": {"POST": municipal(P)},
    "slt:measure_list": {"GET": municipal()},
    "slt:measure_create": both(municipal(), municipal(P)),
    "slt:action_plan_list": both(municipal(), municipal(P)),
    # --- evaluations: any municipal role may start one for its own municipality; the
    # business member has no role (403).
    "evaluering:index": {"GET": everyone_logged_in()},
    "evaluering:evaluation_create": both(*[rule(ok, ANY_ROLE, refused={SEAT_ONLY})
                                           for ok in (G, P)]),
    "evaluering:evaluation_detail": {"GET": municipal()},
    # Answering sends on to the response form.
    "evaluering:evaluation_answer": both(municipal({302})),
    "evaluering:response_submit": both(municipal(), municipal(P)),
    "evaluering:follow_up_create": {"POST": municipal(P)},
    "evaluering:evaluation_pdf": {"GET": municipal()},
    "evaluering:municipality_history": {"GET": municipal()},
    "rapporter:report_national": {"GET": everyone_logged_in()},
    # The district's and the county's reports: everyone with a role there (Sandnes too).
    "rapporter:report_district": {"GET": rule(G, ANY_ROLE - {"ordforer.bergen"})},
    "rapporter:report_county": {"GET": rule(G, ANY_ROLE - {"ordforer.bergen"})},
    "rapporter:report_list": {"GET": everyone_logged_in()},
    "rapporter:report_map": {"GET": everyone_logged_in()},
    "rapporter:report_export": {"GET": everyone_logged_in()},
}

# The content matrix's rows for the preventive-function directory pass the function's kind
# where the pattern takes the police district's code (so every role got 404 and nothing was
# checked); here they are built with the district of Stavanger.

def _directory(name: str, with_pk: bool = False) -> content.Row:
    def row(ctx: content.Ctx, user: Any) -> list[str]:
        district = ctx.stavanger.police_district
        function = content._first("politikontakt.PreventiveFunction", police_district=district)
        return [reverse(name, args=[district.code] + ([function.pk] if with_pk else []))]
    return row


ROWS: dict[str, content.Row] = {
    **content.ROWS,
    "politikontakt:directory": _directory("politikontakt:directory"),
    "politikontakt:function_create": _directory("politikontakt:function_create"),
    "politikontakt:function_edit": _directory("politikontakt:function_edit", with_pk=True),
    "politikontakt:function_delete": _directory("politikontakt:function_delete", with_pk=True),
}


# --- the admin: staff only ---------------------------------------------------------------

# Records written only through the services (the audit log and the reminder ledger are
# append-only, signed versions and directorate approvals and evaluations keep their history,
# axes' records are its own): the admin gives even the superuser no add/delete/change there.
ADMIN_REFUSED = {
    ("samarbeid_sentreminder_add", "GET"), ("samarbeid_sentreminder_add", "POST"),
    ("samarbeid_sentreminder_change", "POST"),
    ("samarbeid_auditevent_add", "GET"), ("samarbeid_auditevent_add", "POST"),
    ("samarbeid_auditevent_delete", "GET"), ("samarbeid_auditevent_delete", "POST"),
    ("samarbeid_auditevent_change", "POST"),
    ("avtaler_agreementversion_add", "GET"), ("avtaler_agreementversion_add", "POST"),
    ("avtaler_agreementversion_delete", "GET"), ("avtaler_agreementversion_delete", "POST"),
    ("avtaler_agreement_add", "GET"), ("avtaler_agreement_add", "POST"),
    ("avtaler_agreement_delete", "GET"), ("avtaler_agreement_delete", "POST"),
    ("politikontakt_assignment_delete", "GET"), ("politikontakt_assignment_delete", "POST"),
    ("politikontakt_directorateapproval_add", "GET"),
    ("politikontakt_directorateapproval_add", "POST"),
    ("politikontakt_directorateapproval_delete", "GET"),
    ("politikontakt_directorateapproval_delete", "POST"),
    ("politikontakt_directorateapproval_change", "POST"),
    ("evaluering_evaluation_delete", "GET"), ("evaluering_evaluation_delete", "POST"),
    ("axes_accessattempt_add", "GET"), ("axes_accessattempt_add", "POST"),
    ("axes_accesslog_add", "GET"), ("axes_accesslog_add", "POST"),
    ("axes_accessfailurelog_add", "GET"), ("axes_accessfailurelog_add", "POST"),
}


def admin_entry(short: str, url: str, methods: tuple[str, ...]) -> Entry:
    if short == "login":  # the form for everyone; the logged-in staff user is sent on
        return {"GET": per_role(rule(G, USERS, anonymous=200), admin_pod={302}),
                "POST": rule(G, USERS, anonymous=200)}
    if short == "logout":  # ends any session and sends on
        return {"POST": rule({302}, USERS)}
    entry: Entry = {}
    for method in methods:
        ok: frozenset[int] = G if method == "GET" else frozenset({200, 302})
        if (short, method) in ADMIN_REFUSED or short == "autocomplete":  # no field asked: 403
            ok = frozenset({403})
        elif "(?P<url>" in short or short == "view_on_site":  # no such page; a Municipality
            ok = frozenset({404})                              # has no public URL to send to
        elif short.startswith("<"):  # the object's old URL: sent on to its change page
            ok = frozenset({302})
        elif url.rstrip("/").endswith("999999") or "/999999/" in url:
            ok = frozenset({302})  # no such object: sent to the index with a message
        entry[method] = staff_only(ok)
    return entry


def expected(pattern: Pattern, url: str, methods: tuple[str, ...]) -> Entry:
    if pattern.name.startswith("admin:"):
        return admin_entry(pattern.name.removeprefix("admin:"), url, methods)
    return TABLE[pattern.name]


# --- the check -----------------------------------------------------------------------------

def check(ctx: content.Ctx, by_role: dict[str, Client], patterns: list[Pattern],
          roles: Iterable[str] = ROLES) -> tuple[list[str], int]:
    """Request every pattern × accepted method × role; return the mismatches and the count."""
    mismatches: list[str] = []
    n = 0
    superuser = by_role[SUPERUSER]
    for pattern in patterns:
        urls = {role: urls_for(ctx, pattern.name, pattern.route,
                               None if role == "anonymous" else ctx.users[role])
                for role in roles}
        methods = accepted_methods(superuser, pattern.name, urls[SUPERUSER][0]
                                   if SUPERUSER in urls else urls_for(
                                       ctx, pattern.name, pattern.route,
                                       ctx.users[SUPERUSER])[0])
        entry = expected(pattern, urls.get(SUPERUSER, [""])[0], methods)
        missing = set(methods) ^ set(entry)
        if missing:
            mismatches.append(f"{pattern.name}: table methods {sorted(entry)}, view {methods}")
            continue
        for method in methods:
            want = entry[method]
            for role in roles:
                for i, url in enumerate(urls[role]):
                    exp = want[i] if isinstance(want, list) else want
                    got = request(by_role[role], method, url, POST_DATA.get(pattern.name))
                    n += 1
                    if got not in exp[role]:
                        mismatches.append(f"{pattern.name} {method} {url} as {role}: "
                                          f"{got}, expected {sorted(exp[role])}")
    return mismatches, n


def urls_for(ctx: content.Ctx, name: str, route: str, user: Any) -> list[str]:
    if name.startswith("admin:"):
        return [admin_url(ctx, name, route)]
    return ROWS[name](ctx, user)


# --- the tests -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterable[tuple[content.Ctx, dict[str, Client]]]:
    """The demo, built once for the module inside a transaction rolled back at the end.

    WeasyPrint is replaced by a stub PDF for this module: the statuses do not depend on the
    rendering (which happens after the access checks), and what a PDF shows is checked by
    tests/test_content_matrix.py with the real renderer."""
    import sys

    from weasyprint import HTML

    from samarbeid import pdf

    real = pdf.render_pdf
    stub = HTML(string="<p>stub</p>").write_pdf()  # a real, tiny PDF (signing reads it)
    with pytest.MonkeyPatch.context() as mp:
        for module in list(sys.modules.values()):
            if getattr(module, "render_pdf", None) is real:
                mp.setattr(module, "render_pdf", lambda *a, **k: stub)
        with django_db_blocker.unblock(), transaction.atomic():
            ctx = content.build()
            yield ctx, clients(ctx)
            transaction.set_rollback(True)


def test_no_duplicate_route_names_and_every_pattern_has_a_rule() -> None:
    patterns = all_patterns()
    assert not duplicates(patterns), f"route names used twice: {duplicates(patterns)}"
    names = {p.name for p in patterns}
    site = {p.name for p in patterns if not p.name.startswith("admin:")}
    assert not site - set(TABLE), f"patterns without a rule: {sorted(site - set(TABLE))}"
    assert not set(TABLE) - site, f"rules for no pattern: {sorted(set(TABLE) - site)}"
    assert not site - set(ROWS), f"patterns without a URL: {sorted(site - set(ROWS))}"
    assert names >= UNDECORATED, f"stale allow-list: {sorted(UNDECORATED - names)}"
    assert any(n.startswith("admin:") for n in names)


def test_undecorated_views_are_listed(demo: tuple[content.Ctx, dict[str, Client]]) -> None:
    ctx, by_role = demo
    superuser = by_role[SUPERUSER]
    unlisted = []
    for p in all_patterns():
        if p.name.startswith("admin:"):
            continue
        url = urls_for(ctx, p.name, p.route, ctx.users[SUPERUSER])[0]
        undecorated = superuser.generic("PUT", url).status_code != 405
        # Only one way: a view decorated since it was listed is fine (the list may shrink).
        if undecorated and p.name not in UNDECORATED:
            unlisted.append(p.name)
    assert not unlisted, ("views with no method decorator, not in UNDECORATED "
                          f"(decorate them with require_http_methods): {unlisted}")


GROUPS = ["", "avtaler", "politirad", "politikontakt", "slt", "evaluering", "rapporter", "admin"]


def in_group(pattern: Pattern, group: str) -> bool:
    ns = pattern.name.split(":", 1)[0] if ":" in pattern.name else ""
    return ns == group


@pytest.mark.parametrize("group", GROUPS, ids=[g or "core" for g in GROUPS])
def test_status_per_method_and_role(group: str,
                                    demo: tuple[content.Ctx, dict[str, Client]]) -> None:
    ctx, by_role = demo
    patterns = [p for p in all_patterns() if in_group(p, group)]
    mismatches, n = check(ctx, by_role, patterns)
    assert n > 0
    assert not mismatches, f"{len(mismatches)} of {n} requests disagree with the policy:\n" + \
        "\n".join(mismatches)
