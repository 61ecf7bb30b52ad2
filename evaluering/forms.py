from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbeid.models import EvaluationMethod, Municipality

from .models import QUESTIONS, EvaluationStatus, Mode, SubjectKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EvaluationCreateForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), to_field_name="number",
        required=False, help_text=_("Not needed when you choose a council below."),
    )
    council = forms.ChoiceField(
        label=_("Police council or forum in the portal"), required=False,
        help_text=_("Choose the council to fill in its meetings, agendas and tasks beside "
                    "the questions. Leave empty to name another forum below."),
    )
    subject_kind = forms.ChoiceField(label=_("What is evaluated"), choices=SubjectKind.choices)
    subject_name = forms.CharField(
        label=_("Name of the forum"), required=False, max_length=200,
        help_text=_("For example «Politirådet i Stavanger». Leave empty for the agreement "
                    "as a whole."),
    )
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=EvaluationMethod.choices,
                               widget=forms.RadioSelect, initial=EvaluationMethod.GLL)
    mode = forms.ChoiceField(label=_("How to answer"), choices=Mode.choices,
                             widget=forms.RadioSelect, initial=Mode.JOINT)

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality],
                 councils: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.councils = {str(c.pk): c for c in councils or []}
        council_field: Any = self.fields["council"]
        council_field.choices = [("", _("None (name the forum below)"))] + [
            (str(c.pk), f"{c.name} ({c.municipality.name})") for c in councils or []]
        if not councils:
            del self.fields["council"]
        self.fields["municipality"].queryset = municipalities.order_by("name")  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["period_end"].initial = today
        self.fields["period_start"].initial = today - dt.timedelta(days=364)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        council = self.councils.get(data.get("council") or "")
        data["council_obj"] = council
        if council is not None:
            data["municipality"] = council.municipality
            data["subject_kind"] = (SubjectKind.THEMATIC_FORUM if council.kind == "thematic"
                                    else SubjectKind.POLICE_COUNCIL)
            data["subject_name"] = council.name
            self.errors.pop("municipality", None)
            return data
        if not data.get("municipality") and "municipality" not in self.errors:
            self.add_error("municipality", _("Choose the municipality."))
        if (data.get("subject_kind") and data["subject_kind"] != SubjectKind.AGREEMENT
                and not data.get("subject_name")):
            self.add_error("subject_name", _("Name the forum that is evaluated, or choose the "
                                             "agreement as a whole."))
        return data


class AnswersForm(forms.Form):
    """One text field per question of the method; optionally the forum's summary."""

    def __init__(self, *args: Any, method: str, with_summary: bool = True,
                 summary_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label, text in QUESTIONS[method]:
            self.fields[code] = forms.CharField(
                label=f"{label}: {text}", required=False, max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        if with_summary:
            self.fields["summary"] = forms.CharField(
                label=_("The forum's summary"), required=summary_required, max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("What the forum concludes from the answers; shown first in the "
                            "history."),
            )


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=300,
                            help_text=_("A lesson from the evaluation, written as a task."))
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())


class EvaluationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(EvaluationStatus.choices))
    method = forms.ChoiceField(label=_("Method"), required=False,
                               choices=[("", _("All"))] + list(EvaluationMethod.choices))
