"""Compliance checks for police contacts (Veileder §5). Each evaluates a whole set of
municipalities in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samarbeid.compliance import Check, Finding, Status
from samarbeid.models import Membership, Municipality, Role

from . import selectors
from .models import MAX_MUNICIPALITIES_WITHOUT_APPROVAL, Assignment, DirectorateApproval


def _list_url(name: str = "") -> str:
    url = reverse("politikontakt:assignment_list")
    return f"{url}?{urlencode({'q': name, 'status': 'all'})}" if name else url


def evaluate_has_contact(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """§5: every municipality shall have a police contact ("skal": FAIL, 3 queries)."""
    today = timezone.localdate()
    names = dict(municipalities.values_list("pk", "name"))
    ids = list(names)
    covered = set(Assignment.objects.active(today).filter(municipality_id__in=ids)
                  .values_list("municipality_id", flat=True))
    covered |= set(Membership.objects.active(today).filter(
        role=Role.POLICE_CONTACT, municipality_id__in=ids).values_list("municipality_id", flat=True))
    return {
        pk: Finding(Status.OK) if pk in covered else Finding(
            Status.FAIL, _("No police contact is assigned."), _list_url(names[pk]))
        for pk in ids
    }


def evaluate_rule_of_three(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """§5 footnote 15: a contact over three municipalities needs a valid approval (FAIL;
    an approval that has expired counts as none). 5 queries."""
    today = timezone.localdate()
    ids = list(municipalities.values_list("pk", flat=True))
    contacts_of: dict[int, set[int]] = defaultdict(set)
    for mid, cid in (Assignment.objects.active(today).filter(municipality_id__in=ids)
                     .values_list("municipality_id", "contact_id")):
        contacts_of[mid].add(cid)
    for mid, uid in (Membership.objects.active(today).filter(
            role=Role.POLICE_CONTACT, municipality_id__in=ids)
            .values_list("municipality_id", "user_id")):
        contacts_of[mid].add(uid)
    contact_ids = set().union(*contacts_of.values()) if contacts_of else set()
    counts = selectors.municipality_counts(contact_ids=contact_ids, on=today)
    allowed: dict[int, int] = {}
    for cid, n in (DirectorateApproval.objects.valid(today).filter(contact_id__in=contact_ids)
                   .values_list("contact_id", "max_municipalities")):
        allowed[cid] = max(n, allowed.get(cid, 0))
    url = _list_url()
    result: dict[int, Finding] = {}
    for pk in ids:
        contacts = contacts_of.get(pk)
        if not contacts:
            result[pk] = Finding(Status.NOT_APPLICABLE)
            continue
        over = [cid for cid in contacts
                if counts.get(cid, 0) > max(MAX_MUNICIPALITIES_WITHOUT_APPROVAL,
                                             allowed.get(cid, 0))]
        if over:
            result[pk] = Finding(Status.FAIL, _(
                "The police contact covers %(count)d municipalities without a valid approval "
                "from Politidirektoratet.") % {"count": max(counts[c] for c in over)}, url)
        else:
            result[pk] = Finding(Status.OK)
    return result


def evaluate_mandate(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """§5.2: the mandate and authority should be clarified at the start ("bør": WARN)."""
    today = timezone.localdate()
    ids = list(municipalities.values_list("pk", flat=True))
    state: dict[int, bool] = {}
    for mid, mandate in (Assignment.objects.active(today).filter(municipality_id__in=ids)
                         .values_list("municipality_id", "mandate")):
        state[mid] = state.get(mid, True) and bool(mandate.strip())
    url = _list_url()
    return {
        pk: (Finding(Status.NOT_APPLICABLE) if pk not in state else
             Finding(Status.OK) if state[pk] else
             Finding(Status.WARN, _("The police contact's mandate is not written down."), url))
        for pk in ids
    }


CHECKS = [
    Check(code="police_contact_assigned", label=gettext_lazy("Police contact"),
          rule=gettext_lazy("Every municipality shall have a police contact (guide §5)."),
          section="§5", app="politikontakt", evaluate=evaluate_has_contact, order=50),
    Check(code="police_contact_rule_of_three", label=gettext_lazy("At most three municipalities"),
          rule=gettext_lazy("A police contact covers at most three municipalities unless "
                            "Politidirektoratet has approved more (guide §5, footnote 15)."),
          section="§5", app="politikontakt", evaluate=evaluate_rule_of_three, order=51),
    Check(code="police_contact_mandate", label=gettext_lazy("Police contact's mandate"),
          rule=gettext_lazy("The police contact's mandate and authority should be written down "
                            "at the start (guide §5.2)."),
          section="§5.2", app="politikontakt", evaluate=evaluate_mandate, order=52),
]
