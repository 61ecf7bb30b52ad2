from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from avtaler.forms import FocusAreaField
from samarbeid.models import MeasureStatus, Municipality, Organisation
from samarbeid.validators import validate_no_identity_number

from .models import (
    AccessLevel,
    Agency,
    AttendanceStatus,
    CoordinationStep,
    CouncilKind,
    CouncilMember,
    MemberRole,
    PlanKind,
    TaskStatus,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEGAL_BASIS_HELP = _("Required when exempt, e.g. «offl. § 13 jf. fvl. § 13».")
# §4.1.5: minutes, agenda items and tasks are about measures, not persons.
NO_ID = [validate_no_identity_number]



class CouncilFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds"))] + list(CouncilKind.choices))


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CouncilKind.choices)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False,
                            help_text=_("For thematic forums, e.g. nightlife or traffic safety "
                                        "(§4.3)."))
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Other municipalities (regional council)"), required=False,
        queryset=Municipality.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Only for regional councils shared by several municipalities (§4.4)."),
    )
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    bylaws_review_on = forms.DateField(label=_("Next review of the police bylaws"),
                                       required=False, widget=DATE)
    public_minutes = forms.BooleanField(
        label=_("Public minutes page"), required=False, initial=True,
        help_text=_("Anyone can read the public version of published minutes without logging "
                    "in: exempt items show only their number and legal basis, internal items "
                    "not at all (offentleglova)."))

    def __init__(self, *args: Any, municipality_choices: QuerySet[Municipality], **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipality_choices  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    username = forms.CharField(
        label=_("Portal user (user name or e-mail)"), required=False, max_length=150,
        help_text=_("Leave empty for an external member and fill in name and e-mail below."),
    )
    name = forms.CharField(label=_("Name (external member)"), required=False, max_length=200)
    email = forms.EmailField(label=_("E-mail (external member)"), required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    is_chair = forms.BooleanField(label=_("Chair"), required=False)
    is_secretary = forms.BooleanField(label=_("Secretary"), required=False)

    def __init__(self, *args: Any, eligible: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people who already work in the council's municipalities or police district
        # can be seated by user name; anyone else comes in as an external member (by name
        # and e-mail) or by invitation. The message is the same whether or not the name
        # exists elsewhere in the portal, so the form tells nobody who has an account.
        self.eligible = eligible if eligible is not None else get_user_model().objects.none()

    def clean_username(self) -> Any:
        value = self.cleaned_data["username"].strip()
        if not value:
            return None
        user = self.eligible.filter(
            Q(username__iexact=value) | Q(email__iexact=value), is_active=True
        ).first()
        if user is None:
            raise ValidationError(_(
                "No one with this user name or e-mail works in the council's municipalities. "
                "Check the spelling, or add the person as an external member with name and "
                "e-mail."))
        return user


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), required=False, widget=DATETIME)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")


class MeetingEditForm(MeetingForm):
    cancelled = forms.BooleanField(label=_("The meeting is cancelled"), required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=NO_ID)
    description = forms.CharField(label=_("Description"), required=False, validators=NO_ID,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    presenter = forms.CharField(label=_("Presenter"), required=False, max_length=200,
                                validators=NO_ID)
    access_level = forms.ChoiceField(label=_("Access level"), choices=AccessLevel.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=200,
                                  help_text=LEGAL_BASIS_HELP)
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, "
                                             "JPEG or text; at most 10 MB."))


class AttendanceForm(forms.Form):
    def __init__(self, *args: Any, members: list[CouncilMember], initial_status: dict[int, str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.display_name} ({member.get_role_display()})",
                choices=AttendanceStatus.choices, widget=forms.RadioSelect,
                initial=initial_status.get(member.pk, AttendanceStatus.PRESENT),
            )

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"member_{m.pk}"] for m in self.members}


class MinutesEntryForm(forms.Form):
    """Rendered 30+ times on one page: plain Bootstrap widgets (no crispy) keep the minutes
    page fast (issue #4: under 1 s with 30 items and 50 tasks)."""

    notes = forms.CharField(label=_("Notes"), required=False, validators=NO_ID,
                            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    decisions = forms.CharField(label=_("Decisions (one per line)"), required=False,
                                validators=NO_ID,
                                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    access_level = forms.ChoiceField(label=_("Access level"), choices=AccessLevel.choices,
                                     widget=forms.Select(attrs={"class": "form-select"}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=200,
                                  help_text=LEGAL_BASIS_HELP,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    # A task can be written with the item's notes and decisions: one save stores all of it
    # or nothing (§4.1.2: minutes set out tasks, who is responsible and the deadline).
    task_title = forms.CharField(label=_("New task under this item (optional)"), required=False,
                                 max_length=300, validators=NO_ID,
                                 widget=forms.TextInput(attrs={"class": "form-control"}))
    task_responsible = forms.ChoiceField(label=_("Responsible for the new task"),
                                         required=False,
                                         widget=forms.Select(attrs={"class": "form-select"}))
    task_deadline = forms.DateField(
        label=_("Deadline for the new task"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                               format="%Y-%m-%d"))

    def __init__(self, *args: Any, members: list[CouncilMember] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["task_responsible"]
        field.choices = [("", "—")] + [
            (m.pk, f"{m.display_name} ({m.get_role_display()})") for m in members or []]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("task_title", "").strip():
            if not data.get("task_deadline"):
                self.add_error("task_deadline", _("Give the new task a deadline."))
        elif data.get("task_deadline") or data.get("task_responsible"):
            self.add_error("task_title", _("Write what the new task is, or clear its "
                                           "responsible person and deadline."))
        return data


class TaskForm(forms.Form):
    agenda_item = forms.ChoiceField(label=_("Agenda item"), required=False)
    title = forms.CharField(label=_("Task"), max_length=300, validators=NO_ID)
    responsible_member = forms.ChoiceField(label=_("Responsible member"), required=False)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Or responsible organisation"), required=False,
        queryset=Organisation.objects.all())
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args: Any, items: list[Any], members: list[CouncilMember],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field: Any = self.fields["agenda_item"]
        item_field.choices = [("", "—")] + [(i.pk, str(i)) for i in items]
        member_field: Any = self.fields["responsible_member"]
        member_field.choices = [("", "—")] + [
            (m.pk, f"{m.display_name} ({m.get_role_display()})") for m in members
        ]


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("Correction"), validators=NO_ID,
                           widget=forms.Textarea(attrs={"rows": 3}))
    access_level = forms.ChoiceField(label=_("Access level"), choices=AccessLevel.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=200,
                                  help_text=LEGAL_BASIS_HELP)


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MyTasksFilterForm(forms.Form):
    mine = forms.ChoiceField(label=_("Tasks"), required=False, choices=[
        ("assigned", _("Assigned to me")), ("created", _("Created by me"))])
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done or cancelled")),
        ("all", _("All"))])
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("Measure"), max_length=200)
    focus_area = FocusAreaField()
    focus_area_other = forms.CharField(label=_("other focus area"), max_length=200,
                                       required=False,
                                       help_text=_("Fill in when the focus area is «Other»."))
    coordination_step = forms.TypedChoiceField(label=_("Coordination step"), coerce=int,
                                               choices=CoordinationStep.choices)
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)


class KnowledgeRequestForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"), choices=Agency.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    delivered_on = forms.DateField(label=_("Delivered"), required=False, widget=DATE)


class ArchiveExtractForm(forms.Form):
    """The period of a Noark 5 extract (arkivperiode): meetings held and agreement versions
    that entered into force in it."""

    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period must end on or after the day it starts."))
        elif start and end and (end - start).days > 366 * 10:
            self.add_error("end", _("Make an extract of at most ten years at a time."))
        return data
